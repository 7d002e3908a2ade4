package dev.nettyws.testkit;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * An HTTP/1.1 message head (and body) as it went over the wire: the server's handshake response for
 * {@link WebSocketServerTester}, the client's handshake request for {@link WebSocketClientTester}. Immutable.
 * Holds no buffers: everything is copied out of the bytes it was read from.
 */
public final class HttpMessage {
    private static final int MAX_HEAD = 64 * 1024;

    private final String startLine;
    private final List<String[]> headers;
    private final byte[] body;

    private HttpMessage(String startLine, List<String[]> headers, byte[] body) {
        this.startLine = startLine;
        this.headers = headers;
        this.body = body;
    }

    /**
     * Reads one message from {@code in} if it holds a whole head (and the body its Content-Length announces).
     *
     * @return the message, or null without advancing {@code in}
     */
    static HttpMessage read(ByteBuf in) {
        int end = -1;
        for (int i = in.readerIndex(); i + 3 < in.writerIndex() && i - in.readerIndex() < MAX_HEAD; i++) {
            if (in.getByte(i) == '\r' && in.getByte(i + 1) == '\n' && in.getByte(i + 2) == '\r'
                && in.getByte(i + 3) == '\n') {
                end = i;
                break;
            }
        }
        if (end < 0) {
            return null;
        }
        String head = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r\n");
        List<String[]> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                throw new AssertionError("malformed header line \"" + lines[i] + "\" in:\n" + head);
            }
            headers.add(new String[] {lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim()});
        }
        HttpMessage message = new HttpMessage(lines[0], Collections.unmodifiableList(headers), new byte[0]);
        String length = message.header("Content-Length");
        int bodyLength = length == null ? 0 : Integer.parseInt(length);
        int bodyStart = end + 4;
        if (in.writerIndex() - bodyStart < bodyLength) {
            return null;
        }
        byte[] body = new byte[bodyLength];
        in.getBytes(bodyStart, body);
        in.readerIndex(bodyStart + bodyLength);
        return new HttpMessage(lines[0], message.headers, body);
    }

    /** The request line or status line. */
    public String startLine() {
        return startLine;
    }

    /**
     * The status code of a response.
     *
     * @throws AssertionError if this is not an HTTP/1.1 response
     */
    public int status() {
        if (!startLine.startsWith("HTTP/1.1 ") || startLine.length() < 12) {
            throw new AssertionError("not an HTTP/1.1 status line: " + startLine);
        }
        return Integer.parseInt(startLine.substring(9, 12));
    }

    /** The value of the first header named {@code name} (ignoring case), or null. */
    public String header(String name) {
        for (String[] header : headers) {
            if (header[0].equalsIgnoreCase(name)) {
                return header[1];
            }
        }
        return null;
    }

    /** Every header as name and value pairs, in order. */
    public List<String[]> headers() {
        return headers;
    }

    /** The body (empty when there was none). */
    public byte[] body() {
        return body.clone();
    }

    /** The body as UTF-8 text. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Whether the header {@code name} holds {@code token} in its comma-separated list (ignoring case). */
    boolean hasToken(String name, String token) {
        for (String[] header : headers) {
            if (header[0].equalsIgnoreCase(name)) {
                for (String element : header[1].split(",")) {
                    if (element.trim().toLowerCase(Locale.ROOT).equals(token.toLowerCase(Locale.ROOT))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(startLine);
        for (String[] header : headers) {
            text.append("\n").append(header[0]).append(": ").append(header[1]);
        }
        return body.length == 0 ? text.toString() : text.append("\n\n").append(bodyText()).toString();
    }
}
