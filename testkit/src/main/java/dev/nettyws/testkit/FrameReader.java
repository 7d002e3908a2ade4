package dev.nettyws.testkit;

import io.netty.buffer.ByteBuf;

/**
 * Reads RFC 6455 §5.2 frames from the bytes an endpoint wrote, checking the rules the kit can check without
 * knowing the extensions: masking by role (§5.1), minimal length encoding is not required, control frames are final
 * and at most 125 bytes (§5.5), opcodes are defined (§5.2). Written for the kit, independent of the codec's decoder.
 */
final class FrameReader {
    private final boolean expectMasked;

    /**
     * Creates a reader.
     *
     * @param expectMasked whether frames must be masked (read from a client) or must not be (from a server)
     */
    FrameReader(boolean expectMasked) {
        this.expectMasked = expectMasked;
    }

    /**
     * Reads one frame from {@code in} if it holds a whole one, advancing it; returns null (without advancing) if
     * not.
     *
     * @throws AssertionError if the frame breaks one of the checked rules
     */
    ReceivedFrame read(ByteBuf in) {
        int start = in.readerIndex();
        if (in.readableBytes() < 2) {
            return null;
        }
        int b0 = in.getUnsignedByte(start);
        int b1 = in.getUnsignedByte(start + 1);
        boolean masked = (b1 & 0x80) != 0;
        int lengthBytes = (b1 & 0x7f) == 126 ? 2 : (b1 & 0x7f) == 127 ? 8 : 0;
        int headerLength = 2 + lengthBytes + (masked ? 4 : 0);
        if (in.readableBytes() < headerLength) {
            return null;
        }
        long length = lengthBytes == 0 ? b1 & 0x7f : lengthBytes == 2 ? in.getUnsignedShort(start + 2)
            : in.getLong(start + 2);
        if (length < 0 || length > Integer.MAX_VALUE - headerLength) {
            throw new AssertionError("frame with payload length " + length + " (RFC 6455 §5.2)");
        }
        if (in.readableBytes() < headerLength + length) {
            return null;
        }
        int opcode = b0 & 0x0f;
        boolean fin = (b0 & 0x80) != 0;
        String name = ReceivedFrame.name(opcode);
        if (masked != expectMasked) {
            throw new AssertionError(name + " frame " + (masked ? "masked: a server must not mask (RFC 6455 §5.1)"
                : "not masked: a client must mask every frame (RFC 6455 §5.3)"));
        }
        if (opcode > 0x2 && opcode < 0x8 || opcode > 0xa) {
            throw new AssertionError("frame with reserved opcode 0x" + Integer.toHexString(opcode)
                + " (RFC 6455 §5.2)");
        }
        if ((opcode & 0x8) != 0 && (!fin || length > 125)) {
            throw new AssertionError(name + " frame " + (fin ? "of " + length + " bytes" : "fragmented")
                + ": control frames are final and carry at most 125 bytes (RFC 6455 §5.5)");
        }
        byte[] key = new byte[4];
        if (masked) {
            in.getBytes(start + 2 + lengthBytes, key);
        }
        byte[] payload = new byte[(int) length];
        in.getBytes(start + headerLength, payload);
        for (int i = 0; masked && i < payload.length; i++) {
            payload[i] ^= key[i & 3];
        }
        in.readerIndex(start + headerLength + (int) length);
        return new ReceivedFrame(opcode, fin, b0 & 0x70, masked, payload);
    }
}
