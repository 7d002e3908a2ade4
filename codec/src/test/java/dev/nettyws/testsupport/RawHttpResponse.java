package dev.nettyws.testsupport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An HTTP/1.1 response parsed from the bytes a server pipeline wrote, for asserting on the exact wire form
 * (header presence, no {@code Content-Length} on a 101) rather than on what a lenient decoder makes of it.
 * {@link #read(EmbeddedChannel)} drains and releases every outbound buffer; bytes after the first response (for
 * example frames written after a 101) are kept in {@link #rest()}.
 */
public final class RawHttpResponse {
    private final String head;
    private final String statusLine;
    private final int status;
    private final HttpHeaders headers;
    private final String body;
    private final byte[] rest;

    private RawHttpResponse(String head, String statusLine, int status, HttpHeaders headers, String body,
            byte[] rest) {
        this.head = head;
        this.statusLine = statusLine;
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.rest = rest;
    }

    /**
     * Reads, releases and parses everything the channel wrote.
     *
     * @return the first response
     * @throws AssertionError if nothing, or no complete response head, was written
     */
    public static RawHttpResponse read(EmbeddedChannel channel) {
        return parse(drain(channel), false);
    }

    /** As {@link #read(EmbeddedChannel)}, for the answer to a HEAD request: no body, whatever the headers say. */
    public static RawHttpResponse readHeadResponse(EmbeddedChannel channel) {
        return parse(drain(channel), true);
    }

    private static byte[] drain(EmbeddedChannel channel) {
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        for (Object msg; (msg = channel.readOutbound()) != null;) {
            if (!(msg instanceof ByteBuf)) {
                throw new AssertionError("expected bytes on the outbound side, got " + msg);
            }
            ByteBuf buf = (ByteBuf) msg;
            try {
                written.writeBytes(ByteBufUtil.getBytes(buf));
            } finally {
                buf.release();
            }
        }
        return written.toByteArray();
    }

    /** Parses one response from the start of {@code bytes}. */
    public static RawHttpResponse parse(byte[] bytes) {
        return parse(bytes, false);
    }

    private static RawHttpResponse parse(byte[] bytes, boolean bodyless) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int headEnd = text.indexOf("\r\n\r\n");
        if (headEnd < 0) {
            throw new AssertionError("no complete response head in: " + text);
        }
        String head = text.substring(0, headEnd + 4);
        String[] lines = head.substring(0, headEnd).split("\r\n");
        String statusLine = lines[0];
        String[] parts = statusLine.split(" ", 3);
        if (!parts[0].startsWith("HTTP/")) {
            throw new AssertionError("not a status line: " + statusLine);
        }
        HttpHeaders headers = new DefaultHttpHeaders();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.add(lines[i].substring(0, colon), lines[i].substring(colon + 1).trim());
        }
        int bodyStart = headEnd + 4;
        String length = headers.get("content-length");
        int bodyEnd = length != null && !bodyless ? bodyStart + Integer.parseInt(length) : bodyStart;
        String body = new String(bytes, bodyStart, bodyEnd - bodyStart, StandardCharsets.UTF_8);
        return new RawHttpResponse(head, statusLine, Integer.parseInt(parts[1]), headers, body,
            Arrays.copyOfRange(bytes, bodyEnd, bytes.length));
    }

    /** The status line and header lines exactly as written, with the CRLF CRLF ending the head. */
    public String head() {
        return head;
    }

    /** The status line, for example {@code HTTP/1.1 101 Switching Protocols}. */
    public String statusLine() {
        return statusLine;
    }

    /** The status code. */
    public int status() {
        return status;
    }

    /** The headers (names compared ignoring case). */
    public HttpHeaders headers() {
        return headers;
    }

    /** The first value of header {@code name}, or null. */
    public String header(String name) {
        return headers.get(name);
    }

    /** The body, as far as {@code Content-Length} says (empty without it). */
    public String body() {
        return body;
    }

    /** The bytes written after this response. */
    public byte[] rest() {
        return rest.clone();
    }
}
