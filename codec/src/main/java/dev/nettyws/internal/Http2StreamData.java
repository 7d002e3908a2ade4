package dev.nettyws.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The WebSocket bytes of an HTTP/2 stream (RFC 8441 §5), at the head of a WebSocket pipeline on an
 * {@link Http2StreamChannel}: DATA frames in become the frame decoder's bytes, the encoder's bytes go out as DATA
 * frames, and the ends of the stream stand for TCP's. The peer's END_STREAM is its FIN: the WebSocket connection is
 * over, cleanly if the close handshake was done, else the core reports 1006. A close of this end sends END_STREAM
 * (our FIN) and lets the stream close once the peer has ended its half too, so nobody sees a reset after a clean close;
 * a peer that never ends its half is reset (CANCEL) after the close timeout or a second close, and one that has
 * stopped reading (the stream unwritable) at once. A RST_STREAM from the peer closes the
 * stream channel at once, which the core reports as 1006 (RFC 8441 §5: RST_STREAM is TCP's RST).
 *
 * <p>Flow control is the backpressure: the stream channel reports {@code isWritable} from the stream's window and its
 * water marks, and returns inbound window only as frames are read, so a WebSocket that stops reading holds at most
 * one stream window.
 *
 * <p>One instance per stream channel; runs on its event loop. The content of a DATA frame is passed on and belongs
 * to the next handler; a frame of any other type is released here; the bytes written are released by Netty's HTTP/2
 * codec once sent.
 */
public final class Http2StreamData extends ChannelDuplexHandler {
    private final Duration closeTimeout;
    private boolean peerEnded;
    private boolean ended;
    private ScheduledFuture<?> resetTimer;

    /**
     * Creates the handler of one stream.
     *
     * @param closeTimeout how long a closing end waits for the peer's END_STREAM before resetting the stream
     */
    public Http2StreamData(Duration closeTimeout) {
        this.closeTimeout = Objects.requireNonNull(closeTimeout, "closeTimeout");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        boolean endStream = false;
        if (msg instanceof Http2DataFrame) {
            Http2DataFrame data = (Http2DataFrame) msg;
            endStream = data.isEndStream();
            if (data.content().isReadable() && !peerEnded) {
                ctx.fireChannelRead(data.content());
            } else {
                data.release();
            }
        } else {
            // Trailers may end the stream; nothing else belongs to the WebSocket.
            endStream = msg instanceof Http2HeadersFrame && ((Http2HeadersFrame) msg).isEndStream();
            ReferenceCountUtil.release(msg);
        }
        if (endStream && !peerEnded) {
            peerEnded = true;
            end(ctx, ctx.newPromise());
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf) {
            if (ended) {
                ReferenceCountUtil.release(msg);
                promise.tryFailure(new IllegalStateException("write after END_STREAM"));
                return;
            }
            ctx.write(new DefaultHttp2DataFrame((ByteBuf) msg, false), promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (ended && !peerEnded) {
            // Closed again while waiting for the peer's END_STREAM (the close timer, the application): now.
            ctx.close(promise);
            return;
        }
        end(ctx, promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelResetTimer();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelResetTimer();
        ctx.fireChannelInactive();
    }

    /** Sends END_STREAM once; the stream closes when both halves have ended, or is reset after the close timeout. */
    private void end(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (!ctx.channel().isActive() || !ctx.channel().isWritable()) {
            // Bytes the peer does not read are queued: an END_STREAM would wait behind them, so reset at once (a
            // slow peer being cut off), as a TCP close drops what the peer never read.
            ctx.close(promise);
            return;
        }
        ctx.channel().closeFuture().addListener(f -> promise.trySuccess());
        if (!ended) {
            ended = true;
            ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true)).addListener(f -> {
                if (!f.isSuccess() || peerEnded) {
                    ctx.close();
                }
            });
        } else if (peerEnded) {
            ctx.close();
        }
        if (!peerEnded && resetTimer == null) {
            resetTimer = ctx.executor().schedule(() -> {
                resetTimer = null;
                ctx.close();
            }, closeTimeout.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void cancelResetTimer() {
        if (resetTimer != null) {
            resetTimer.cancel(false);
            resetTimer = null;
        }
    }
}
