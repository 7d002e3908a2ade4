package dev.nettyws.testkit;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One frame as it came off the wire (RFC 6455 §5.2), unmasked. Immutable and holds no buffer: the payload is a copy.
 *
 * @param opcode the 4-bit opcode
 * @param fin the FIN bit
 * @param rsv the RSV bits as they sit in the first byte (0x40 RSV1, 0x20 RSV2, 0x10 RSV3)
 * @param masked whether the frame was masked
 * @param payload the unmasked payload
 */
public record ReceivedFrame(int opcode, boolean fin, int rsv, boolean masked, byte[] payload) {
    /** Continuation frame. */
    public static final int CONTINUATION = 0x0;
    /** Text frame. */
    public static final int TEXT = 0x1;
    /** Binary frame. */
    public static final int BINARY = 0x2;
    /** Close frame. */
    public static final int CLOSE = 0x8;
    /** Ping frame. */
    public static final int PING = 0x9;
    /** Pong frame. */
    public static final int PONG = 0xa;

    /** The payload decoded as UTF-8 (replacing malformed input). */
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** Whether this is a close, ping or pong frame. */
    public boolean isControl() {
        return (opcode & 0x8) != 0;
    }

    /** A short description for failure messages: the opcode's name, the flags and the payload's start. */
    @Override
    public String toString() {
        String shown = opcode == TEXT || opcode == CLOSE && payload.length > 2 ? '"' + abbreviated(text()) + '"'
            : payload.length + " bytes";
        return name(opcode) + (fin ? "" : " (not final)") + (rsv != 0 ? " rsv=0x" + Integer.toHexString(rsv) : "")
            + (masked ? " masked" : "") + ' ' + shown;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReceivedFrame other && opcode == other.opcode && fin == other.fin && rsv == other.rsv
            && masked == other.masked && Arrays.equals(payload, other.payload);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * opcode + rsv) + Arrays.hashCode(payload);
    }

    static String name(int opcode) {
        switch (opcode) {
            case CONTINUATION:
                return "continuation";
            case TEXT:
                return "text";
            case BINARY:
                return "binary";
            case CLOSE:
                return "close";
            case PING:
                return "ping";
            case PONG:
                return "pong";
            default:
                return "opcode 0x" + Integer.toHexString(opcode);
        }
    }

    private static String abbreviated(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
