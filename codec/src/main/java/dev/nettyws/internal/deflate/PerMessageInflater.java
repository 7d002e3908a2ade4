package dev.nettyws.internal.deflate;

import dev.nettyws.frame.BinaryFrame;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.ContinuationFrame;
import dev.nettyws.frame.Frame;
import dev.nettyws.frame.Opcode;
import dev.nettyws.frame.ProtocolViolationException;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.internal.Connection;
import dev.nettyws.internal.Utf8Validator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses inbound data messages (RFC 7692 §7.2.2): sits right after the frame decoder; a message whose first
 * frame has RSV1 set is inflated frame by frame, the last frame with {@code 00 00 ff ff} appended, and passed on as
 * frames with RSV1 clear, so the handlers behind see plain messages. Messages without RSV1 and control frames pass
 * through untouched (§6).
 *
 * <p><b>Bounded.</b> Every message, compressed or not, is held to {@code maxMessageLength}. The inflated size is
 * checked while it grows: output buffers never grow beyond one byte more
 * than what is left of {@code maxMessageLength} for the message, and reaching that byte fails the connection with
 * 1009. A small compressed frame that would inflate to gigabytes (a "zip bomb") therefore costs at most the message
 * limit in memory. The frame decoder validates UTF-8 only of uncompressed text; this handler validates inflated
 * text across fragments (1007 on failure), and data that is not valid DEFLATE also fails with 1007.
 *
 * <p><b>Failing.</b> Through the connection's {@link Connection#fail}, as the frame decoder does (RFC 6455 §7.1.7);
 * the {@link ProtocolViolationException} is fired for the handlers behind, and every later frame released unread.
 *
 * <p><b>Memory.</b> With the peer's context takeover the connection keeps an inflater, created at the first
 * compressed message. Without it, unfragmented messages use an inflater shared by the event loop thread, and a
 * fragmented one gets its own until its last frame.
 *
 * <p><b>Buffers.</b> Each compressed frame is released once inflated; the inflated frames belong to the next handler.
 * One instance per channel, called on its event loop.
 */
public class PerMessageInflater extends ChannelInboundHandlerAdapter {
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

    private static final FastThreadLocal<Inflater> SHARED = new FastThreadLocal<>() {
        @Override
        protected Inflater initialValue() {
            return new Inflater(true);
        }

        @Override
        protected void onRemoval(Inflater inflater) {
            inflater.end();
        }
    };

    private final int maxMessageLength;
    private final boolean validateUtf8;
    private final boolean noContextTakeover;

    private Inflater own;
    /** The inflater of the message being read, or null between compressed messages. */
    private Inflater current;
    private boolean messageIsText;
    private long messageLength;
    private int utf8State;
    /** The length so far of the uncompressed message being read. */
    private long plainLength;
    private boolean failed;

    /**
     * Creates an inflater.
     *
     * @param maxMessageLength the largest inflated message, summed over its frames
     * @param validateUtf8 whether inflated text is checked to be UTF-8
     * @param noContextTakeover whether the peer resets its compression context after each message (negotiated)
     */
    public PerMessageInflater(int maxMessageLength, boolean validateUtf8, boolean noContextTakeover) {
        this.maxMessageLength = maxMessageLength;
        this.validateUtf8 = validateUtf8;
        this.noContextTakeover = noContextTakeover;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (failed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof Frame) || ((Frame) msg).isControl()) {
            ctx.fireChannelRead(msg);
            return;
        }
        Frame frame = (Frame) msg;
        if (frame.opcode() == Opcode.CONTINUATION) {
            if (current == null) {
                passUncompressed(ctx, frame, plainLength);
                return;
            }
        } else {
            if ((frame.rsv() & Frame.RSV1) == 0) {
                passUncompressed(ctx, frame, 0);
                return;
            }
            startMessage(frame);
        }
        ByteBuf inflated;
        try {
            inflated = inflate(ctx, frame.content(), frame.isFinal());
        } catch (DataFormatException e) {
            frame.release();
            fail(ctx, CloseStatus.INVALID_PAYLOAD_DATA, "invalid compressed data");
            return;
        }
        Opcode opcode = frame.opcode();
        boolean fin = frame.isFinal();
        frame.release();
        if (inflated == null) {
            fail(ctx, CloseStatus.MESSAGE_TOO_BIG, "inflated message exceeds " + maxMessageLength);
            return;
        }
        if (messageIsText && validateUtf8) {
            utf8State = Utf8Validator.update(utf8State, inflated, inflated.readerIndex(), inflated.readableBytes());
            if (utf8State == Utf8Validator.REJECT || fin && utf8State != Utf8Validator.ACCEPT) {
                inflated.release();
                fail(ctx, CloseStatus.INVALID_PAYLOAD_DATA, "invalid UTF-8 in text message");
                return;
            }
        }
        if (fin) {
            endMessage();
        }
        ctx.fireChannelRead(opcode == Opcode.TEXT ? new TextFrame(fin, 0, inflated)
            : opcode == Opcode.BINARY ? new BinaryFrame(fin, 0, inflated) : new ContinuationFrame(fin, 0, inflated));
    }

    /**
     * Passes on a frame of an uncompressed message, holding the message to the limit: the frame decoder's own limits
     * are widened for compressed data on a connection with permessage-deflate.
     */
    private void passUncompressed(ChannelHandlerContext ctx, Frame frame, long lengthBefore) {
        plainLength = lengthBefore + frame.content().readableBytes();
        if (plainLength > maxMessageLength) {
            frame.release();
            fail(ctx, CloseStatus.MESSAGE_TOO_BIG, "message exceeds " + maxMessageLength);
            return;
        }
        ctx.fireChannelRead(frame);
    }

    private void startMessage(Frame first) {
        messageIsText = first.opcode() == Opcode.TEXT;
        messageLength = 0;
        utf8State = Utf8Validator.ACCEPT;
        if (noContextTakeover && first.isFinal()) {
            current = SHARED.get();
        } else {
            if (own == null) {
                own = new Inflater(true);
            }
            current = own;
        }
    }

    private void endMessage() {
        if (noContextTakeover) {
            if (current == own) {
                own.end();
                own = null;
            } else {
                current.reset();
            }
        } else if (current.finished()) {
            // The peer ended its stream with a final block (§7.2.3.5); its next message starts a new one.
            current.reset();
        }
        current = null;
    }

    /**
     * Inflates {@code in} (and the tail, for the last frame) into a buffer bounded by what is left of the message
     * limit.
     *
     * @return the inflated bytes, or null if they exceed the limit (nothing is kept then)
     */
    private ByteBuf inflate(ChannelHandlerContext ctx, ByteBuf in, boolean last) throws DataFormatException {
        long left = maxMessageLength - messageLength;
        // One byte more than allowed is how an excess shows.
        int cap = (int) Math.min(left + 1, Integer.MAX_VALUE - 8);
        int initial = (int) Math.min(cap, Math.max(256L, in.readableBytes() * 4L));
        ByteBuf out = ctx.alloc().buffer(initial, cap);
        try {
            boolean within = inflateInto(in.nioBuffer(), out, cap) && (!last || inflateInto(ByteBuffer.wrap(TAIL),
                out, cap));
            if (!within) {
                out.release();
                return null;
            }
            messageLength += out.readableBytes();
            if (out.readableBytes() == 0) {
                out.release();
                return Unpooled.EMPTY_BUFFER;
            }
            return out;
        } catch (DataFormatException | RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /** Feeds {@code input} to the current inflater; false as soon as the output reaches {@code cap} bytes. */
    private boolean inflateInto(ByteBuffer input, ByteBuf out, int cap) throws DataFormatException {
        Inflater inflater = current;
        inflater.setInput(input);
        try {
            while (!inflater.finished()) {
                if (out.writerIndex() == cap) {
                    return false;
                }
                if (!out.isWritable()) {
                    out.ensureWritable(Math.min(out.capacity(), cap - out.writerIndex()));
                }
                ByteBuffer target = out.nioBuffer(out.writerIndex(), out.writableBytes());
                int produced = inflater.inflate(target);
                out.writerIndex(out.writerIndex() + produced);
                if (produced == 0) {
                    if (inflater.needsDictionary()) {
                        throw new DataFormatException("a preset dictionary is not allowed");
                    }
                    if (inflater.needsInput()) {
                        break;
                    }
                }
            }
            return out.writerIndex() < cap;
        } finally {
            inflater.setInput(EMPTY);
        }
    }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private void fail(ChannelHandlerContext ctx, int status, String reason) {
        failed = true;
        if (current != null && current != own) {
            current.reset();
        }
        current = null;
        releaseInflater();
        ctx.fireExceptionCaught(Connection.of(ctx.channel(), null).fail(ctx, status, reason));
    }

    private void releaseInflater() {
        if (own != null) {
            own.end();
            own = null;
        }
    }

    /** Whether this connection holds an inflater of its own now (for tests and memory figures). */
    public boolean hasOwnInflater() {
        return own != null;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (current != null && current != own) {
            current.reset();
        }
        current = null;
        releaseInflater();
    }
}
