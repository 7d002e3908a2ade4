package dev.nettyws.testsupport;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One frame as it was found on the wire, read by a deliberately simple reference parser (RFC 6455 §5.2) that is
 * independent of the production decoder: use it to check what an encoder wrote. It trusts its input and checks
 * nothing beyond completeness; the payload is unmasked.
 *
 * @param fin the FIN bit
 * @param rsv the RSV bits as they sit in the first header byte ({@link FrameBytes#RSV1} etc.)
 * @param opcode the 4-bit opcode
 * @param masked the MASK bit
 * @param maskKey the masking key, 0 when unmasked
 * @param lengthBytes size of the extended length field: 0, 2 or 8
 * @param payload the unmasked payload
 */
public record WireFrame(boolean fin, int rsv, int opcode, boolean masked, int maskKey, int lengthBytes,
        byte[] payload) {

    /**
     * Reads one frame from the readable bytes of {@code buf}, advancing its reader index.
     *
     * @throws IllegalArgumentException if the buffer holds less than a whole frame
     */
    public static WireFrame read(ByteBuf buf) {
        int b0 = readUnsigned(buf);
        int b1 = readUnsigned(buf);
        int code = b1 & 0x7F;
        int lengthBytes = code == 126 ? 2 : code == 127 ? 8 : 0;
        long length = code;
        if (lengthBytes > 0) {
            length = 0;
            for (int i = 0; i < lengthBytes; i++) {
                length = length << 8 | readUnsigned(buf);
            }
        }
        boolean masked = (b1 & 0x80) != 0;
        int key = 0;
        if (masked) {
            for (int i = 0; i < 4; i++) {
                key = key << 8 | readUnsigned(buf);
            }
        }
        if (length > buf.readableBytes()) {
            throw new IllegalArgumentException("incomplete frame: " + length + " payload bytes announced, "
                + buf.readableBytes() + " present");
        }
        byte[] payload = new byte[(int) length];
        buf.readBytes(payload);
        if (masked) {
            payload = FrameBytes.mask(payload, key, 0);
        }
        return new WireFrame((b0 & 0x80) != 0, b0 & 0x70, b0 & 0x0F, masked, key, lengthBytes, payload);
    }

    /** Reads frames until {@code buf} has no readable bytes left. */
    public static List<WireFrame> readAll(ByteBuf buf) {
        List<WireFrame> frames = new ArrayList<>();
        while (buf.isReadable()) {
            frames.add(read(buf));
        }
        return frames;
    }

    /** For a close frame: the status code, or -1 when the payload is shorter than two bytes. */
    public int closeCode() {
        return payload.length >= 2 ? (payload[0] & 0xFF) << 8 | payload[1] & 0xFF : -1;
    }

    /** For a close frame: the reason decoded as UTF-8 (empty if none). */
    public String closeReason() {
        return payload.length <= 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }

    private static int readUnsigned(ByteBuf buf) {
        if (!buf.isReadable()) {
            throw new IllegalArgumentException("incomplete frame header");
        }
        return buf.readUnsignedByte();
    }
}
