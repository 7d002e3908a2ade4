package dev.nettyws.frame;

import dev.nettyws.internal.Connection;
import dev.nettyws.internal.Utf8Validator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Turns bytes into {@link Frame}s (RFC 6455 §5.2) and enforces every framing rule of the RFC on the way: masking
 * by role (§5.1), reserved bits and opcodes, control frame limits (§5.5), fragmentation order (§5.4), minimal
 * length encoding, size and fragment-count limits, UTF-8 of text messages and close reasons (§8.1), and close codes
 * (§7.4).
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-------+-+-------------+-------------------------------+
 *  |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
 *  |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
 *  |N|V|V|V|       |S|             |   (if payload len==126/127)   |
 *  | |1|2|3|       |K|             |                               |
 *  +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
 *  |     Extended payload length continued, if payload len == 127  |
 *  + - - - - - - - - - - - - - - - +-------------------------------+
 *  |                               |Masking-key, if MASK set to 1  |
 *  +-------------------------------+-------------------------------+
 * </pre>
 *
 * <p><b>Incremental.</b> A header is committed only once it is complete, so any split of the input gives the same
 * frames. Rules decided by the first two bytes are checked as soon as those arrive, and limits are checked on the
 * header, before any payload is buffered. Payload bytes are unmasked, and text validated, as they arrive: invalid
 * UTF-8 fails the connection before the rest of the frame has been received.
 *
 * <p><b>Violations.</b> There is one way out: the decoder stops decoding, discards all further input and fails the
 * connection through its shared connection state (§7.1.7): one {@link CloseFrame} with the matching
 * code (1002 protocol error, 1007 invalid payload, 1009 too big) and a short reason, unless this endpoint already
 * sent one (§5.5.1), then TCP closed once it is written. It throws a {@link ProtocolViolationException} carrying the
 * code for the handlers behind it. The close frame is written from this handler's context, so a {@link FrameEncoder}
 * must sit in front of the decoder (closer to the head of the pipeline); the two share the connection's state
 * through a channel attribute, also in a pipeline of the user's own.
 *
 * <p><b>Buffers.</b> Frames are emitted downstream and owned by whoever receives them. Their payloads are not
 * copies: a read that holds exactly one whole frame (and nothing left over from an earlier read) becomes that
 * frame's payload itself, its reader index moved past the header, so the frame is the only object decoding adds;
 * otherwise a payload is a slice of the decoder's input ({@code retainedSlice}). Either way the payload's capacity
 * says nothing about its length: read its readable bytes. Masked input is unmasked <em>in place</em>: a buffer
 * written into the decoder is handed over, as with any Netty inbound message, and read-only input is copied first.
 * After a close frame the decoder discards further input (§5.5.1: nothing follows a close frame).
 *
 * <p><b>Memory.</b> A frame larger than the {@link MemoryBudget#freeBytes() free allowance} of the configuration's
 * {@link FrameConfig#memoryBudget() budget} reserves its payload from the budget as soon as its header is complete,
 * before any of it is buffered; if the budget cannot cover it, the connection is failed with 1013 (try again later).
 * Such a payload that does not arrive in one piece is gathered in a buffer of exactly its size rather than in the
 * input (so a stalled large frame holds what it announced, never a larger input buffer, and nothing of it stays
 * behind in the input once it is delivered). The reservation ends when the frame is passed on, or when the channel
 * closes or the decoder is removed with the frame unfinished.
 *
 * <p>One instance per channel; called on the channel's event loop only.
 */
public class FrameDecoder extends ByteToMessageDecoder {
    /** The close reason when the memory budget cannot cover a frame (sent with 1013). */
    public static final String BUDGET_EXHAUSTED = "memory budget exhausted";

    private static final int MASK_BIT = 0x80;
    private static final int LENGTH_MASK = 0x7F;
    private static final int LENGTH_16 = 126;
    private static final int LENGTH_64 = 127;

    private static final Cumulator WRITABLE_MERGE = (alloc, cumulation, in) ->
        MERGE_CUMULATOR.cumulate(alloc, cumulation, in.isReadOnly() ? writableCopy(alloc, in) : in);

    /** Where the decoder is within the byte stream. */
    private enum State {
        /** Waiting for a complete frame header. */
        HEADER,
        /** Header committed; waiting for the payload. */
        PAYLOAD,
        /** A close frame was received; the rest of the stream is ignored. */
        CLOSED,
        /** The connection was failed; the rest of the stream is discarded. */
        FAILED
    }

    /** Role, limits and budget, read where needed: one shared reference costs less per connection than copies. */
    private final FrameConfig config;
    /**
     * The payload reserved for the frame being read; released when it is passed on. Created with the first frame
     * larger than the budget's free allowance: most connections never need one.
     */
    private MemoryBudget.Reservation reservation;

    private State state = State.HEADER;
    private Connection connection;

    // The frame being read.
    private int headerByte;
    private Opcode opcode;
    private int maskingKey;
    private int payloadLength;
    /** Payload bytes already unmasked (and validated, for text); they stay in the input until the frame is whole. */
    private int payloadSeen;
    private boolean validateText;
    /** Whether the frame being read takes the whole input buffer as its payload (see {@link #channelRead}). */
    private boolean takeInput;
    /** Whether {@link ByteToMessageDecoder#channelRead} is running: a nested read must not overtake its frames. */
    private boolean inSuperRead;
    /** The payload of a frame larger than the free allowance that did not arrive whole, gathered here; or null. */
    private ByteBuf gathered;

    // The data message the frames belong to.
    private boolean inFragmentedMessage;
    private boolean messageIsText;
    private boolean messageUsesExtension;
    /** At most the limit: a frame that would take it past is refused before it is counted (no overflow). */
    private int messageLength;
    private int messageFrames;
    private int utf8State;

    /**
     * Creates a decoder.
     *
     * @param config role, limits and allowed RSV bits
     */
    public FrameDecoder(FrameConfig config) {
        this.config = config;
        setCumulator(WRITABLE_MERGE);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        connection = Connection.of(ctx.channel(), config.role());
    }

    private static ByteBuf writableCopy(ByteBufAllocator alloc, ByteBuf in) {
        try {
            return alloc.buffer(in.readableBytes()).writeBytes(in);
        } finally {
            in.release();
        }
    }

    /**
     * The common case without a slice: a read holding exactly one whole frame, with nothing buffered before it, is
     * decoded here and the read buffer itself becomes the payload (a {@code retainedSlice} would add a 40-byte
     * object per frame). Everything else goes through {@link ByteToMessageDecoder}'s cumulation and
     * {@link #decode}, with the same checks in the same order.
     */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (state == State.HEADER && !inSuperRead && msg instanceof ByteBuf && !internalBuffer().isReadable()) {
            ByteBuf in = (ByteBuf) msg;
            if (!in.isReadOnly() && wholeFrameLength(in) == in.readableBytes()) {
                ctx.fireChannelRead(decodeWholeInput(ctx, in));
                return;
            }
        }
        boolean outer = inSuperRead;
        inSuperRead = true;
        try {
            super.channelRead(ctx, msg);
        } finally {
            inSuperRead = outer;
        }
    }

    /** Decodes the one frame {@code in} holds; {@code in} becomes its payload, or is released if that fails. */
    private Frame decodeWholeInput(ChannelHandlerContext ctx, ByteBuf in) {
        boolean handedOver = false;
        try {
            readHeader(ctx, in);
            if (payloadLength > 0) {
                unmaskAndValidate(ctx, in, in, in.readerIndex(), payloadLength);
            }
            takeInput = true;
            Frame frame = newFrame(ctx, in);
            handedOver = payloadLength > 0;
            frame.payloadIsWholeRead = handedOver;
            if (state != State.CLOSED) {
                state = State.HEADER;
            }
            releaseReservation();
            return frame;
        } finally {
            takeInput = false;
            if (!handedOver) {
                in.release();
            }
        }
    }

    /**
     * The length of the frame at the reader index of {@code in}, header included, once its header is there; -1
     * before. Validates nothing: {@link #readHeader} does.
     */
    private static long wholeFrameLength(ByteBuf in) {
        int readable = in.readableBytes();
        if (readable < 2) {
            return -1;
        }
        int start = in.readerIndex();
        int b1 = in.getUnsignedByte(start + 1);
        int lengthCode = b1 & LENGTH_MASK;
        int headerLength = ((b1 & MASK_BIT) != 0 ? 6 : 2)
            + (lengthCode == LENGTH_16 ? 2 : lengthCode == LENGTH_64 ? 8 : 0);
        if (readable < headerLength) {
            return -1;
        }
        long length = lengthCode == LENGTH_16 ? in.getUnsignedShort(start + 2)
            : lengthCode == LENGTH_64 ? in.getLong(start + 2) : lengthCode;
        return length < 0 ? -1 : headerLength + length;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case HEADER:
                if (!readHeader(ctx, in)) {
                    return;
                }
                state = State.PAYLOAD;
                readPayload(ctx, in, out);
                return;
            case PAYLOAD:
                readPayload(ctx, in, out);
                return;
            default:
                in.skipBytes(in.readableBytes());
        }
    }

    /** Parses and checks a header; commits (consumes) it only when complete. */
    private boolean readHeader(ChannelHandlerContext ctx, ByteBuf in) {
        int readable = in.readableBytes();
        if (readable < 2) {
            return false;
        }
        int start = in.readerIndex();
        // One read for the whole header of every frame under 64 KiB when eight bytes are there (and for the rest
        // of it: the masking key of a small frame ends at byte 6, of a 16-bit length frame at byte 8): each read
        // checks that the buffer is live and the index in range.
        boolean eight = readable >= 8;
        long head = eight ? in.getLong(start) : (long) in.getUnsignedShort(start) << 48;
        int b0 = (int) (head >>> 56) & 0xFF;
        int b1 = (int) (head >>> 48) & 0xFF;
        Opcode op = checkFirstTwoBytes(ctx, in, b0, b1);

        int lengthCode = b1 & LENGTH_MASK;
        int lengthBytes = lengthCode == LENGTH_16 ? 2 : lengthCode == LENGTH_64 ? 8 : 0;
        boolean frameMasked = (b1 & MASK_BIT) != 0;
        int headerLength = 2 + lengthBytes + (frameMasked ? 4 : 0);
        if (readable < headerLength) {
            return false;
        }

        long length;
        if (lengthCode == LENGTH_16) {
            length = eight ? (int) (head >>> 32) & 0xFFFF : in.getUnsignedShort(start + 2);
            if (length < LENGTH_16) {
                throw fail(ctx, in, CloseStatus.PROTOCOL_ERROR, "non-minimal 16-bit payload length");
            }
        } else if (lengthCode == LENGTH_64) {
            length = in.getLong(start + 2);
            if (length < 0) {
                throw fail(ctx, in, CloseStatus.PROTOCOL_ERROR, "64-bit payload length with the top bit set");
            }
            if (length <= 0xFFFF) {
                throw fail(ctx, in, CloseStatus.PROTOCOL_ERROR, "non-minimal 64-bit payload length");
            }
        } else {
            length = lengthCode;
        }
        if (length > config.maxFramePayloadLength()) {
            throw fail(ctx, in, CloseStatus.MESSAGE_TOO_BIG, "frame payload exceeds " + config.maxFramePayloadLength());
        }
        if (!reserve(length)) {
            throw fail(ctx, in, CloseStatus.TRY_AGAIN_LATER, BUDGET_EXHAUSTED);
        }

        boolean fin = (b0 & Frame.FIN) != 0;
        if (!op.isControl()) {
            if (op != Opcode.CONTINUATION) {
                messageIsText = op == Opcode.TEXT;
                messageUsesExtension = (b0 & Frame.RSV_MASK) != 0;
                messageLength = 0;
                messageFrames = 0;
                utf8State = Utf8Validator.ACCEPT;
            }
            if (length > config.maxMessageLength() - messageLength) {
                throw fail(ctx, in, CloseStatus.MESSAGE_TOO_BIG, "message exceeds " + config.maxMessageLength());
            }
            messageLength += length;
            if (++messageFrames > config.maxFragmentsPerMessage()) {
                throw fail(ctx, in, CloseStatus.MESSAGE_TOO_BIG, "message exceeds " + config.maxFragmentsPerMessage()
                    + " frames");
            }
            inFragmentedMessage = !fin;
        }

        headerByte = b0;
        opcode = op;
        int keyAt = headerLength - 4;
        maskingKey = !frameMasked ? 0 : eight && keyAt <= 4 ? (int) (head >>> (32 - keyAt * 8))
            : in.getInt(start + keyAt);
        payloadLength = (int) length;
        payloadSeen = 0;
        // A message an extension transformed (permessage-deflate) is validated by the extension after inflating.
        validateText = config.validateUtf8() && messageIsText && !messageUsesExtension && !op.isControl();
        in.skipBytes(headerLength);
        return true;
    }

    /** The rules the first two header bytes decide, checked before waiting for the rest of the header. */
    private Opcode checkFirstTwoBytes(ChannelHandlerContext ctx, ByteBuf in, int b0, int b1) {
        Opcode op = Opcode.fromCode(b0 & 0x0F);
        if (op == null) {
            throw fail(ctx, in, CloseStatus.PROTOCOL_ERROR, "reserved opcode " + (b0 & 0x0F));
        }
        int rsv = b0 & Frame.RSV_MASK;
        if (rsv != 0) {
            if ((rsv & ~config.allowedRsvBits()) != 0) {
                throw fail(ctx, in, CloseStatus.PROTOCOL_ERROR, "reserved bits set without an extension");
            }
            if (op.isControl() || op == Opcode.CONTINUATION) {
                throw fail(ctx, in, CloseStatus.PROTOCOL_ERROR, "extension bits on a " + op.name().toLowerCase()
                    + " frame");
            }
        }
        boolean fin = (b0 & Frame.FIN) != 0;
        int lengthCode = b1 & LENGTH_MASK;
        if (op.isControl()) {
            if (!fin) {
                throw fail(ctx, in, CloseStatus.PROTOCOL_ERROR, "fragmented control frame");
            }
            if (lengthCode > ControlPayloads.MAX_LENGTH) {
                throw fail(ctx, in, CloseStatus.PROTOCOL_ERROR, "control frame payload over 125 bytes");
            }
            if (op == Opcode.CLOSE && lengthCode == 1) {
                throw fail(ctx, in, CloseStatus.PROTOCOL_ERROR, "close payload of 1 byte");
            }
        } else if (op == Opcode.CONTINUATION) {
            if (!inFragmentedMessage) {
                throw fail(ctx, in, CloseStatus.PROTOCOL_ERROR, "continuation frame without a message to continue");
            }
        } else if (inFragmentedMessage) {
            throw fail(ctx, in, CloseStatus.PROTOCOL_ERROR, "new data frame inside a fragmented message");
        }
        boolean frameMasked = (b1 & MASK_BIT) != 0;
        if (frameMasked != config.role().expectsMaskedInbound()) {
            throw fail(ctx, in, CloseStatus.PROTOCOL_ERROR, frameMasked ? "masked frame from server"
                : "unmasked frame from client");
        }
        return op;
    }

    /** Unmasks and validates what has arrived of the payload; emits the frame once it is whole. */
    private void readPayload(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (gathered == null && payloadSeen == 0 && in.readableBytes() < payloadLength
                && payloadLength > config.memoryBudget().freeBytes() && !opcode.isControl()) {
            // Reserved at the header; gathered outside the input so that the input never grows to the frame's size.
            gathered = ctx.alloc().buffer(payloadLength, payloadLength);
        }
        if (gathered != null) {
            int count = Math.min(in.readableBytes(), payloadLength - payloadSeen);
            int index = gathered.writerIndex();
            gathered.writeBytes(in, count);
            unmaskAndValidate(ctx, in, gathered, index, count);
            if (payloadSeen < payloadLength) {
                return;
            }
        } else {
            int available = Math.min(in.readableBytes(), payloadLength);
            if (available > payloadSeen) {
                unmaskAndValidate(ctx, in, in, in.readerIndex() + payloadSeen, available - payloadSeen);
            }
            if (available < payloadLength) {
                return;
            }
        }
        state = State.HEADER;
        out.add(newFrame(ctx, in));
        releaseReservation();
    }

    /** Unmasks {@code count} payload bytes of {@code buf} in place from {@code index}, and validates text. */
    private void unmaskAndValidate(ChannelHandlerContext ctx, ByteBuf in, ByteBuf buf, int index, int count) {
        if (maskingKey != 0) {
            Masking.maskInPlace(buf, index, count, maskingKey, payloadSeen);
        }
        if (validateText) {
            utf8State = Utf8Validator.update(utf8State, buf, index, count);
            if (utf8State == Utf8Validator.REJECT) {
                throw fail(ctx, in, CloseStatus.INVALID_PAYLOAD_DATA, "invalid UTF-8 in text message");
            }
        }
        payloadSeen += count;
    }

    private Frame newFrame(ChannelHandlerContext ctx, ByteBuf in) {
        boolean fin = (headerByte & Frame.FIN) != 0;
        int rsv = headerByte & Frame.RSV_MASK;
        switch (opcode) {
            case CLOSE:
                checkClosePayload(ctx, in);
                state = State.CLOSED;
                return new CloseFrame(payload(in));
            case PING:
                return new PingFrame(payload(in));
            case PONG:
                return new PongFrame(payload(in));
            case TEXT:
                checkTextEnd(ctx, in, fin);
                return new TextFrame(fin, rsv, payload(in));
            case BINARY:
                return new BinaryFrame(fin, rsv, payload(in));
            default:
                checkTextEnd(ctx, in, fin);
                return new ContinuationFrame(fin, rsv, payload(in));
        }
    }

    private ByteBuf payload(ByteBuf in) {
        if (gathered != null) {
            ByteBuf payload = gathered;
            gathered = null;
            return payload;
        }
        if (takeInput && payloadLength > 0) {
            // The whole input is this frame: it becomes the payload, positioned past the header (channelRead);
            // marked there, so that resetReaderIndex() returns to the payload's start as it does on a slice.
            return in.markReaderIndex();
        }
        return payloadLength == 0 ? Unpooled.EMPTY_BUFFER : in.readRetainedSlice(payloadLength);
    }

    /** §5.6, §8.1: a text message must end between characters. */
    private void checkTextEnd(ChannelHandlerContext ctx, ByteBuf in, boolean fin) {
        if (fin && validateText && utf8State != Utf8Validator.ACCEPT) {
            throw fail(ctx, in, CloseStatus.INVALID_PAYLOAD_DATA, "text message ends inside a UTF-8 sequence");
        }
    }

    /** §5.5.1, §7.4: a close payload is empty or a sendable code plus a UTF-8 reason. */
    private void checkClosePayload(ChannelHandlerContext ctx, ByteBuf in) {
        if (payloadLength == 0) {
            return;
        }
        int index = in.readerIndex();
        int code = in.getUnsignedShort(index);
        if (!CloseStatus.isValidOnWire(code)) {
            throw fail(ctx, in, CloseStatus.PROTOCOL_ERROR, "invalid close code " + code);
        }
        if (config.validateUtf8() && !Utf8Validator.isValid(in, index + 2, payloadLength - 2)) {
            throw fail(ctx, in, CloseStatus.INVALID_PAYLOAD_DATA, "invalid UTF-8 in close reason");
        }
    }

    /** The one exit for every violation: discard the input, fail the connection, return the exception to throw. */
    private ProtocolViolationException fail(ChannelHandlerContext ctx, ByteBuf in, int status, String reason) {
        state = State.FAILED;
        in.skipBytes(in.readableBytes());
        releaseHeld();
        return connection.fail(ctx, status, reason);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        try {
            super.channelInactive(ctx);
        } finally {
            releaseHeld();
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        releaseHeld();
    }

    /** Releases an unfinished frame's gathered payload and its reservation. */
    private void releaseHeld() {
        if (gathered != null) {
            ByteBuf partial = gathered;
            gathered = null;
            partial.release();
        }
        releaseReservation();
    }

    /** Reserves a payload of {@code length} beyond the free allowance; false if the budget cannot cover it. */
    private boolean reserve(long length) {
        if (reservation == null) {
            if (length <= config.memoryBudget().freeBytes()) {
                return true;
            }
            reservation = config.memoryBudget().newReservation();
        }
        return reservation.resize(length);
    }

    private void releaseReservation() {
        if (reservation != null) {
            reservation.release();
        }
    }

    /** The bytes this decoder has reserved from its memory budget now (for tests and metrics). */
    public long reservedBytes() {
        return reservation == null ? 0 : reservation.reserved();
    }

    /** Whether a close frame has been received (the decoder now ignores input). */
    boolean isCloseReceived() {
        return state == State.CLOSED;
    }

    /** Whether the decoder has failed the connection. */
    boolean isFailed() {
        return state == State.FAILED;
    }
}
