package dev.nettyws.internal.deflate;

import dev.nettyws.frame.BinaryFrame;
import dev.nettyws.frame.ContinuationFrame;
import dev.nettyws.frame.Frame;
import dev.nettyws.frame.MemoryBudget;
import dev.nettyws.frame.Opcode;
import dev.nettyws.frame.TextFrame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;

/**
 * Compresses outbound data messages (RFC 7692 §7.2.1): sits between the frame encoder and the application's
 * handlers and turns each data frame written through it into a compressed one, with RSV1 on the first frame of the
 * message.
 *
 * <ul>
 *   <li>An unfragmented message shorter than the {@link PerMessageDeflateConfig#compressionThreshold() threshold}
 *       goes out as it is, RSV1 clear (§6: compressing is a per-message choice). So does a frame whose RSV bits are
 *       already set, and every control frame.</li>
 *   <li>A larger one is compressed whole, ending with a sync flush whose {@code 00 00 ff ff} is dropped. Without
 *       context takeover, a result no smaller than the input is sent uncompressed instead (with context takeover
 *       that is not possible: the peer's history must see every compressed byte).</li>
 *   <li>A fragmented message is compressed fragment by fragment in one stream, each fragment flushed so that the
 *       peer can inflate it at once; only the last drops the tail.</li>
 * </ul>
 *
 * <p><b>Memory.</b> With context takeover the connection keeps its own compressor, created with the first
 * compressed message (a connection that never sends one pays nothing) and ended when the handler is removed (the
 * channel closed). Without it, unfragmented messages use a compressor shared by all connections of the event loop
 * thread, and a fragmented message borrows one of its own only until its last fragment. A compressor of its own is
 * a compression context of the {@link MemoryBudget} ({@link Compressor#memory}: 262 KiB for a 15-bit window); when
 * the budget has no room for one, the connection degrades instead of failing: an unfragmented message is compressed
 * with the shared compressor, as without context takeover (a sender may always start afresh: the peer's inflater
 * only needs back-references to stay within its window), and a fragmented one goes out uncompressed.
 *
 * <p><b>Buffers.</b> Each written frame is released once compressed; the compressed frame goes to the encoder,
 * which releases it. One instance per channel, called on its event loop.
 */
public class PerMessageDeflater extends ChannelOutboundHandlerAdapter {
    private final int level;
    private final int windowBits;
    private final boolean noContextTakeover;
    private final int threshold;
    private final MemoryBudget budget;

    /** This connection's compressor: for context takeover, or for the fragmented message being sent. */
    private Compressor own;
    /** Whether the continuation frames being written belong to a message that is being compressed. */
    private boolean compressingFragments;

    /**
     * Creates a deflater.
     *
     * @param level compression level, 1 to 9
     * @param windowBits the window negotiated for this side, 8 to 15
     * @param noContextTakeover whether this side resets its context after each message (negotiated)
     * @param threshold unfragmented messages shorter than this are sent uncompressed
     * @param budget the connection's memory budget, which its own compressor is reserved from
     */
    public PerMessageDeflater(int level, int windowBits, boolean noContextTakeover, int threshold,
                              MemoryBudget budget) {
        this.level = level;
        this.windowBits = windowBits;
        this.noContextTakeover = noContextTakeover;
        this.threshold = threshold;
        this.budget = budget;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof Frame) || ((Frame) msg).isControl()) {
            ctx.write(msg, promise);
            return;
        }
        Frame frame = (Frame) msg;
        Frame compressed;
        try {
            compressed = compress(ctx, frame);
        } catch (Throwable t) {
            ReferenceCountUtil.safeRelease(frame);
            promise.tryFailure(t);
            return;
        }
        if (compressed != frame) {
            frame.release();
        }
        ctx.write(compressed, promise);
    }

    /** The frame to send instead of {@code frame}: a new compressed one, or {@code frame} itself. */
    private Frame compress(ChannelHandlerContext ctx, Frame frame) {
        ByteBuf payload = frame.content();
        if (frame.opcode() == Opcode.CONTINUATION) {
            if (!compressingFragments) {
                return frame;
            }
            ByteBuf out = own.compress(ctx.alloc(), payload, frame.isFinal());
            if (frame.isFinal()) {
                compressingFragments = false;
                if (noContextTakeover) {
                    endOwn();
                }
            }
            return new ContinuationFrame(frame.isFinal(), 0, out);
        }
        if (frame.rsv() != 0) {
            return frame;
        }
        if (!frame.isFinal()) {
            if (ownCompressor() == null) {
                // No room for a stream across fragments: this message goes out uncompressed (§6 allows it).
                return frame;
            }
            compressingFragments = true;
            ByteBuf out = own.compress(ctx.alloc(), payload, false);
            return dataFrame(frame.opcode(), false, out);
        }
        int length = payload.readableBytes();
        if (length < threshold) {
            return frame;
        }
        if (!noContextTakeover && ownCompressor() != null) {
            return dataFrame(frame.opcode(), true, own.compress(ctx.alloc(), payload, true));
        }
        Compressor shared = Compressor.shared(level, windowBits);
        ByteBuf out;
        try {
            out = shared.compress(ctx.alloc(), payload, true);
        } finally {
            shared.reset();
        }
        if (out.readableBytes() >= length) {
            out.release();
            return frame;
        }
        return dataFrame(frame.opcode(), true, out);
    }

    /** This connection's compressor, created and reserved if needed; null when the budget has no room for one. */
    private Compressor ownCompressor() {
        if (own == null) {
            if (!budget.tryReserveContext(Compressor.memory(windowBits))) {
                return null;
            }
            own = Compressor.create(level, windowBits);
        }
        return own;
    }

    private void endOwn() {
        own.end();
        own = null;
        budget.releaseContext(Compressor.memory(windowBits));
    }

    private static Frame dataFrame(Opcode opcode, boolean fin, ByteBuf payload) {
        return opcode == Opcode.TEXT ? new TextFrame(fin, Frame.RSV1, payload)
            : new BinaryFrame(fin, Frame.RSV1, payload);
    }

    /** Whether this connection holds a compressor of its own now (for tests and memory figures). */
    public boolean hasOwnCompressor() {
        return own != null;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (own != null) {
            endOwn();
        }
    }
}
