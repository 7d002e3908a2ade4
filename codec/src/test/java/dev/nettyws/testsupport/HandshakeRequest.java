package dev.nettyws.testsupport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the raw bytes of an HTTP/1.1 request for handshake tests, starting from a valid RFC 6455 §4.1 opening
 * handshake (the example key of §1.3) that tests then break one header at a time:
 * <pre>{@code
 * HandshakeRequest.to("/chat").remove("Sec-WebSocket-Key").toBuf()
 * }</pre>
 * Header names keep the case they are given; lines end with CRLF.
 */
public final class HandshakeRequest {
    /** The key of RFC 6455 §1.3. */
    public static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    /** The accept value of {@link #KEY}. */
    public static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    private String method = "GET";
    private String target;
    private String version = "HTTP/1.1";
    private final List<String[]> headers = new ArrayList<>();
    private String body = "";

    private HandshakeRequest(String target) {
        this.target = target;
    }

    /** A valid upgrade request for {@code target}. */
    public static HandshakeRequest to(String target) {
        return new HandshakeRequest(target)
            .add("Host", "localhost")
            .add("Upgrade", "websocket")
            .add("Connection", "Upgrade")
            .add("Sec-WebSocket-Key", KEY)
            .add("Sec-WebSocket-Version", "13");
    }

    /** A plain keep-alive GET of {@code target}, with only a Host header. */
    public static HandshakeRequest plainGet(String target) {
        return new HandshakeRequest(target).add("Host", "localhost");
    }

    /** Sets the method. */
    public HandshakeRequest method(String method) {
        this.method = method;
        return this;
    }

    /** Sets the HTTP version, for example {@code "HTTP/1.0"}. */
    public HandshakeRequest version(String version) {
        this.version = version;
        return this;
    }

    /** Adds a header line (after any with the same name). */
    public HandshakeRequest add(String name, String value) {
        headers.add(new String[] {name, value});
        return this;
    }

    /** Removes every header named {@code name} (ignoring case). */
    public HandshakeRequest remove(String name) {
        headers.removeIf(header -> header[0].equalsIgnoreCase(name));
        return this;
    }

    /** Replaces every header named {@code name} by one with {@code value}. */
    public HandshakeRequest set(String name, String value) {
        return remove(name).add(name, value);
    }

    /** Sets the body bytes written after the head (the caller adds the length or chunking headers). */
    public HandshakeRequest body(String body) {
        this.body = body;
        return this;
    }

    /** The request as text. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        out.append(method).append(' ').append(target).append(' ').append(version).append("\r\n");
        for (String[] header : headers) {
            out.append(header[0]).append(": ").append(header[1]).append("\r\n");
        }
        return out.append("\r\n").append(body).toString();
    }

    /** The request as bytes. */
    public byte[] bytes() {
        return toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The request in a new unpooled buffer, owned by the caller. */
    public ByteBuf toBuf() {
        return Unpooled.wrappedBuffer(bytes());
    }

    /** The request followed by {@code more} bytes (for example frames), in one new buffer. */
    public ByteBuf toBuf(byte[] more) {
        return Unpooled.wrappedBuffer(bytes(), more);
    }
}
