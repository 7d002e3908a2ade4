package dev.nettyws.frame;

/**
 * The frame opcodes defined by RFC 6455 §5.2 (§11.8 registry). Opcodes 3-7 and 11-15 are reserved and have no
 * constant here: {@link #fromCode(int)} returns {@code null} for them, and the decoder fails the connection.
 *
 * <p>Immutable; usable from any thread. Holds no buffers.
 */
public enum Opcode {
    /** {@code 0x0}: a continuation of a fragmented data message (§5.4). */
    CONTINUATION(0x0),
    /** {@code 0x1}: the first frame of a text message; the payload is UTF-8. */
    TEXT(0x1),
    /** {@code 0x2}: the first frame of a binary message. */
    BINARY(0x2),
    /** {@code 0x8}: a close frame (§5.5.1). */
    CLOSE(0x8),
    /** {@code 0x9}: a ping (§5.5.2). */
    PING(0x9),
    /** {@code 0xA}: a pong (§5.5.3). */
    PONG(0xA);

    private static final Opcode[] BY_CODE = new Opcode[16];

    static {
        for (Opcode opcode : values()) {
            BY_CODE[opcode.code] = opcode;
        }
    }

    private final int code;

    Opcode(int code) {
        this.code = code;
    }

    /** The 4-bit value on the wire. */
    public int code() {
        return code;
    }

    /** Control frames (opcode with the high bit set, §5.5) may not be fragmented and carry at most 125 bytes. */
    public boolean isControl() {
        return (code & 0x8) != 0;
    }

    /**
     * The opcode for a 4-bit wire value.
     *
     * @param code the value of the low nibble of the first header byte
     * @return the opcode, or {@code null} when the value is reserved (3-7, 11-15) or out of range
     */
    public static Opcode fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
