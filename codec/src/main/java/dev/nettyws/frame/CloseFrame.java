package dev.nettyws.frame;

import dev.nettyws.PeerText;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * A close control frame (opcode 0x8, RFC 6455 §5.5.1). Its payload is empty, or a two-byte status code
 * (§7.4) followed by a UTF-8 reason; the whole payload is at most 125 bytes, so the reason at most 123.
 *
 * <p>The public constructors only build frames that may be sent: a status code valid on the wire
 * ({@link CloseStatus#isValidOnWire(int)}) and a reason that fits. Frames produced by {@link FrameDecoder} have been
 * validated the same way (a bad code is a protocol error 1002, a bad reason invalid payload 1007).
 *
 * <p>Ownership and threading as for every {@link Frame}: the holder of a reference releases it.
 */
public final class CloseFrame extends Frame {
    /** Longest reason in UTF-8 bytes: 125 minus the two-byte code. */
    public static final int MAX_REASON_LENGTH = ControlPayloads.MAX_LENGTH - 2;

    /** Creates a close frame with no status code (the peer will report 1005). */
    public CloseFrame() {
        super(true, 0, Unpooled.EMPTY_BUFFER);
    }

    /**
     * Creates a close frame with a status code and an optional reason.
     *
     * @param statusCode a code valid on the wire, see {@link CloseStatus#isValidOnWire(int)}
     * @param reason a reason of at most 123 UTF-8 bytes, or {@code null} or empty for none
     * @throws IllegalArgumentException if the code may not be sent or the reason is too long
     */
    public CloseFrame(int statusCode, String reason) {
        super(true, 0, payload(statusCode, reason));
    }

    /** For the decoder and {@link #replace}: the payload has been validated, or is the caller's responsibility. */
    CloseFrame(ByteBuf payload) {
        super(true, 0, payload);
    }

    private static ByteBuf payload(int statusCode, String reason) {
        if (!CloseStatus.isValidOnWire(statusCode)) {
            throw new IllegalArgumentException("status code " + statusCode + " may not be sent in a close frame");
        }
        byte[] reasonBytes = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
        if (reasonBytes.length > MAX_REASON_LENGTH) {
            throw new IllegalArgumentException("close reason of " + reasonBytes.length + " bytes exceeds "
                + MAX_REASON_LENGTH);
        }
        ByteBuf payload = Unpooled.buffer(2 + reasonBytes.length);
        payload.writeShort(statusCode);
        payload.writeBytes(reasonBytes);
        return payload;
    }

    /**
     * The status code, or {@link CloseStatus#NO_STATUS_RECEIVED} (1005) when the frame carries none (§7.1.5).
     */
    public int statusCode() {
        ByteBuf payload = content();
        return payload.readableBytes() >= 2 ? payload.getUnsignedShort(payload.readerIndex())
            : CloseStatus.NO_STATUS_RECEIVED;
    }

    /** The reason, or the empty string when there is none. */
    public String reasonText() {
        ByteBuf payload = content();
        int length = payload.readableBytes() - 2;
        return length <= 0 ? "" : payload.toString(payload.readerIndex() + 2, length, StandardCharsets.UTF_8);
    }

    @Override
    public Opcode opcode() {
        return Opcode.CLOSE;
    }

    @Override
    public CloseFrame replace(ByteBuf content) {
        return new CloseFrame(content);
    }

    @Override
    public String toString() {
        return "CloseFrame(" + statusCode() + ", \"" + PeerText.forLog(reasonText()) + "\")";
    }
}
