package dev.nettyws.testsupport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds the raw bytes of one WebSocket frame (RFC 6455 §5.2) for tests, including frames a correct encoder never
 * produces: reserved bits and opcodes, non-minimal or lying length fields, the wrong masking for the role. It is
 * written independently of the production codec so that tests do not check the codec against itself.
 *
 * <pre>{@code
 * FrameBytes.text("Hello").mask(0x37fa213d).bytes();          // 81 85 37 fa 21 3d 7f 9f 4d 51 58
 * FrameBytes.frame(0x3).mask(1).bytes();                      // reserved opcode 3
 * FrameBytes.binary(new byte[0]).declaredLength(1L << 40).mask(1).bytes();  // header only, announcing 1 TiB
 * }</pre>
 *
 * <p>Defaults: FIN set, RSV clear, unmasked, empty payload, minimal length encoding, length field equal to the
 * payload length. A builder is mutable and not thread-safe; {@link #bytes()} may be called repeatedly.
 */
public final class FrameBytes {
    /** RSV1 as it sits in the first header byte. */
    public static final int RSV1 = 0x40;
    /** RSV2 as it sits in the first header byte. */
    public static final int RSV2 = 0x20;
    /** RSV3 as it sits in the first header byte. */
    public static final int RSV3 = 0x10;

    private final int opcode;
    private boolean fin = true;
    private int rsv;
    private Integer maskKey;
    private byte[] payload = new byte[0];
    private Long declaredLength;
    private int lengthBytes = -1;

    private FrameBytes(int opcode) {
        this.opcode = opcode;
    }

    /** A frame with any 4-bit opcode, including the reserved ones. */
    public static FrameBytes frame(int opcode) {
        return new FrameBytes(opcode);
    }

    /** A text frame (0x1) carrying {@code text} as UTF-8. */
    public static FrameBytes text(String text) {
        return frame(0x1).payload(utf8(text));
    }

    /** A text frame (0x1) carrying arbitrary bytes (valid UTF-8 or not). */
    public static FrameBytes text(byte[] payload) {
        return frame(0x1).payload(payload);
    }

    /** A binary frame (0x2). */
    public static FrameBytes binary(byte[] payload) {
        return frame(0x2).payload(payload);
    }

    /** A continuation frame (0x0). */
    public static FrameBytes continuation(byte[] payload) {
        return frame(0x0).payload(payload);
    }

    /** A ping (0x9). */
    public static FrameBytes ping(byte[] payload) {
        return frame(0x9).payload(payload);
    }

    /** A pong (0xA). */
    public static FrameBytes pong(byte[] payload) {
        return frame(0xA).payload(payload);
    }

    /** A close frame (0x8) with a status code (any 16-bit value) and a UTF-8 reason. */
    public static FrameBytes close(int code, String reason) {
        return close(code, utf8(reason));
    }

    /** A close frame (0x8) with a status code and raw reason bytes (valid UTF-8 or not). */
    public static FrameBytes close(int code, byte[] reason) {
        byte[] body = new byte[2 + reason.length];
        body[0] = (byte) (code >> 8);
        body[1] = (byte) code;
        System.arraycopy(reason, 0, body, 2, reason.length);
        return frame(0x8).payload(body);
    }

    /** Sets the FIN bit. */
    public FrameBytes fin(boolean fin) {
        this.fin = fin;
        return this;
    }

    /** Sets the RSV bits as they sit in the first header byte: a combination of {@link #RSV1}, RSV2, RSV3. */
    public FrameBytes rsv(int rsv) {
        this.rsv = rsv;
        return this;
    }

    /** Masks the frame with {@code key} (big-endian, as on the wire). */
    public FrameBytes mask(int key) {
        this.maskKey = key;
        return this;
    }

    /** Masks the frame when {@code key} is non-null, leaves it unmasked otherwise. */
    public FrameBytes mask(Integer key) {
        this.maskKey = key;
        return this;
    }

    /** The (unmasked) payload. */
    public FrameBytes payload(byte[] payload) {
        this.payload = payload.clone();
        return this;
    }

    /**
     * Writes {@code length} into the length field instead of the payload's length; the payload bytes written are
     * unchanged. With an empty payload this produces a header announcing a payload that never comes. A negative
     * value is written as its 64-bit two's complement, i.e. with the most significant bit set.
     */
    public FrameBytes declaredLength(long length) {
        this.declaredLength = length;
        return this;
    }

    /** Forces the extended length field size: 0 (7-bit), 2 (16-bit) or 8 (64-bit), even if not minimal. */
    public FrameBytes lengthBytes(int lengthBytes) {
        if (lengthBytes != 0 && lengthBytes != 2 && lengthBytes != 8) {
            throw new IllegalArgumentException("lengthBytes must be 0, 2 or 8: " + lengthBytes);
        }
        this.lengthBytes = lengthBytes;
        return this;
    }

    /** The header bytes only: first byte, length fields and masking key. */
    public byte[] header() {
        long length = declaredLength != null ? declaredLength : payload.length;
        int extended = lengthBytes >= 0 ? lengthBytes
            : Long.compareUnsigned(length, 125) <= 0 ? 0 : Long.compareUnsigned(length, 0xFFFF) <= 0 ? 2 : 8;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | rsv | opcode);
        int maskBit = maskKey != null ? 0x80 : 0;
        if (extended == 0) {
            if (length > 127) {
                throw new IllegalArgumentException("length " + length + " does not fit the 7-bit field");
            }
            out.write(maskBit | (int) length);
        } else if (extended == 2) {
            out.write(maskBit | 126);
            writeBigEndian(out, length, 2);
        } else {
            out.write(maskBit | 127);
            writeBigEndian(out, length, 8);
        }
        if (maskKey != null) {
            writeBigEndian(out, maskKey, 4);
        }
        return out.toByteArray();
    }

    /** The whole frame: header, then the payload, masked if a key is set. */
    public byte[] bytes() {
        return concat(header(), maskKey == null ? payload : mask(payload, maskKey, 0));
    }

    /** The whole frame in a new unpooled buffer. */
    public ByteBuf buf() {
        return Unpooled.wrappedBuffer(bytes());
    }

    /**
     * RFC 6455 §5.3 masking, byte by byte as the RFC states it: {@code out[i] = in[i] ^ key[(offset + i) % 4]}.
     *
     * @param data bytes to (un)mask; not modified
     * @param key the key, big-endian
     * @param offset position of {@code data[0]} within the payload
     * @return a new array
     */
    public static byte[] mask(byte[] data, int key, long offset) {
        byte[] out = new byte[data.length];
        for (int i = 0; i < data.length; i++) {
            int keyByte = (int) ((offset + i) % 4);
            out[i] = (byte) (data[i] ^ key >>> (24 - 8 * keyByte));
        }
        return out;
    }

    /** The arrays one after another in a new array. */
    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** {@code text} as UTF-8. */
    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void writeBigEndian(ByteArrayOutputStream out, long value, int bytes) {
        for (int i = bytes - 1; i >= 0; i--) {
            out.write((int) (value >>> (8 * i)));
        }
    }
}
