package dev.nettyws.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An HTTP/1.1 opening handshake request (RFC 6455 §4.1) for {@link WebSocketServerTester}: valid by default, with
 * setters for what tests vary (subprotocols, Origin, extensions, extra headers) and for breaking it (removing or
 * replacing any header). Mutable builder; not thread-safe. Holds no buffers.
 */
public final class UpgradeRequest {
    /** The example key of RFC 6455 §1.3, used unless the test sets another. */
    public static final String DEFAULT_KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    private String method = "GET";
    private final String target;
    private final List<String[]> headers = new ArrayList<>();

    private UpgradeRequest(String target) {
        this.target = target;
    }

    /** A valid upgrade request for {@code target} (path and query), Host {@code localhost}. */
    public static UpgradeRequest to(String target) {
        return new UpgradeRequest(target)
            .header("Host", "localhost")
            .header("Upgrade", "websocket")
            .header("Connection", "Upgrade")
            .header("Sec-WebSocket-Key", DEFAULT_KEY)
            .header("Sec-WebSocket-Version", "13");
    }

    /** Offers subprotocols, in order of preference ({@code Sec-WebSocket-Protocol}). */
    public UpgradeRequest subprotocols(String... subprotocols) {
        return set("Sec-WebSocket-Protocol", String.join(", ", subprotocols));
    }

    /**
     * Sets the {@code Origin} header, as a browser does. With the default origin policy (same origin) and the
     * default {@code Host} ({@code localhost}), {@code "http://localhost"} is the server's own origin; another one is
     * refused with 403.
     */
    public UpgradeRequest origin(String origin) {
        return set("Origin", origin);
    }

    /** Offers extensions, in header syntax ({@code Sec-WebSocket-Extensions}). */
    public UpgradeRequest extensions(String offers) {
        return set("Sec-WebSocket-Extensions", offers);
    }

    /** Adds a header line (after any with the same name), for example a cookie or authorization. */
    public UpgradeRequest header(String name, String value) {
        headers.add(new String[] {name, value});
        return this;
    }

    /** Replaces every header named {@code name} (ignoring case) by one with {@code value}. */
    public UpgradeRequest set(String name, String value) {
        return remove(name).header(name, value);
    }

    /** Removes every header named {@code name} (ignoring case). */
    public UpgradeRequest remove(String name) {
        headers.removeIf(header -> header[0].equalsIgnoreCase(name));
        return this;
    }

    /** Sets the method (a valid handshake is a GET). */
    public UpgradeRequest method(String method) {
        this.method = method;
        return this;
    }

    /** The value of the first header named {@code name}, or null. */
    String header(String name) {
        for (String[] header : headers) {
            if (header[0].equalsIgnoreCase(name)) {
                return header[1];
            }
        }
        return null;
    }

    /** The request's bytes, lines ending with CRLF. */
    public byte[] bytes() {
        StringBuilder text = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        for (String[] header : headers) {
            text.append(header[0]).append(": ").append(header[1]).append("\r\n");
        }
        return text.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return new String(bytes(), StandardCharsets.UTF_8);
    }
}
