package dev.nettyws.bench.micro;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * The inputs every micro benchmark feeds to both implementations: payloads of a given size and kind, and the raw
 * bytes of a masked client frame (RFC 6455 §5.2, §5.3) carrying one. The frame bytes are written here, by neither
 * implementation under test, so that neither decoder is measured on input shaped by its own encoder.
 *
 * <p>Deterministic (seeded); stateless; usable from any thread.
 */
public final class Payloads {
    /** The payload sizes of the suite: 16 B, 128 B, 1 KiB, 16 KiB, 1 MiB. */
    public static final int[] SIZES = {16, 128, 1024, 16 * 1024, 1024 * 1024};

    /** A fixed masking key, so both decoders unmask exactly the same bytes. */
    public static final int MASKING_KEY = 0x37FA213D;

    /** Mixed two-, three- and four-byte characters with some ASCII, as in non-English chat text. */
    private static final String MULTI_BYTE_SAMPLE = "Grüße, Привет, 世界 и 𝄞 ";

    private Payloads() {
    }

    /** What a payload holds. */
    public enum Kind {
        /** Random bytes in a binary frame (opcode 0x2). */
        BINARY(0x2),
        /** ASCII text in a text frame (opcode 0x1). */
        TEXT_ASCII(0x1),
        /** Valid UTF-8 text, mostly multi-byte characters, in a text frame (opcode 0x1). */
        TEXT_UTF8(0x1);

        private final int opcode;

        Kind(int opcode) {
            this.opcode = opcode;
        }

        /** The frame opcode that carries this kind. */
        public int opcode() {
            return opcode;
        }

        /** Whether the payload goes in a text frame. */
        public boolean isText() {
            return opcode == 0x1;
        }
    }

    /**
     * A payload of exactly {@code size} bytes.
     *
     * @param kind what it holds; text kinds are valid UTF-8 that ends between characters
     * @param size length in bytes
     * @return a new array
     */
    public static byte[] payload(Kind kind, int size) {
        byte[] out = new byte[size];
        switch (kind) {
            case BINARY:
                new Random(size).nextBytes(out);
                return out;
            case TEXT_ASCII:
                for (int i = 0; i < size; i++) {
                    out[i] = (byte) (' ' + (i * 7) % 95);
                }
                return out;
            default:
                return multiByte(size);
        }
    }

    private static byte[] multiByte(int size) {
        byte[] sample = MULTI_BYTE_SAMPLE.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[size];
        int n = 0;
        int i = 0;
        while (true) {
            int charLength = charLength(sample[i]);
            if (n + charLength > size) {
                break;
            }
            System.arraycopy(sample, i, out, n, charLength);
            n += charLength;
            i = (i + charLength) % sample.length;
        }
        // Fill the last few bytes that cannot hold a whole character of the sample with ASCII.
        for (; n < size; n++) {
            out[n] = '.';
        }
        return out;
    }

    private static int charLength(byte lead) {
        int b = lead & 0xFF;
        return b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    }

    /**
     * The wire bytes of one final frame carrying {@code payload}, minimal length encoding.
     *
     * @param opcode the opcode
     * @param payload the (unmasked) payload
     * @param masked whether to mask it with {@link #MASKING_KEY}, as a client must
     * @return a new array holding header and payload
     */
    public static byte[] frame(int opcode, byte[] payload, boolean masked) {
        int length = payload.length;
        int lengthBytes = length <= 125 ? 0 : length <= 0xFFFF ? 2 : 8;
        ByteBuffer out = ByteBuffer.allocate(2 + lengthBytes + (masked ? 4 : 0) + length);
        out.put((byte) (0x80 | opcode));
        int maskBit = masked ? 0x80 : 0;
        if (lengthBytes == 0) {
            out.put((byte) (maskBit | length));
        } else if (lengthBytes == 2) {
            out.put((byte) (maskBit | 126)).putShort((short) length);
        } else {
            out.put((byte) (maskBit | 127)).putLong(length);
        }
        if (masked) {
            out.putInt(MASKING_KEY);
        }
        for (int i = 0; i < length; i++) {
            byte key = (byte) (MASKING_KEY >>> (24 - 8 * (i & 3)));
            out.put(masked ? (byte) (payload[i] ^ key) : payload[i]);
        }
        return out.array();
    }
}
