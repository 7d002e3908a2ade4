package dev.nettyws.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/2 counterpart of the upgrade handler's handshake timeout: a connection with no open stream, from the accept
 * (before the client preface) or since its last stream closed, is closed after
 * {@link dev.nettyws.handshake.ServerHandshakeConfig#handshakeTimeout()} (the codec sends GOAWAY), so a client cannot
 * hold a connection by sending nothing. Open streams have their own limits: a WebSocket its keepalive and write
 * limits, a request the application's handlers.
 *
 * <p>One instance per connection, behind the HTTP/2 codec; runs on the connection's event loop. Holds no buffers.
 */
final class Http2IdleTimeout extends ChannelInboundHandlerAdapter {
    private final Http2Connection connection;
    private final long timeoutNanos;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;

    Http2IdleTimeout(Http2Connection connection, Duration timeout) {
        this.connection = connection;
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        connection.addListener(new Http2ConnectionAdapter() {
            @Override
            public void onStreamActive(Http2Stream stream) {
                cancel();
            }

            @Override
            public void onStreamClosed(Http2Stream stream) {
                if (connection.numActiveStreams() == 0) {
                    start();
                }
            }
        });
        if (ctx.channel().isActive()) {
            start();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    private void start() {
        if (timer == null && connection.numActiveStreams() == 0 && ctx.channel().isActive()) {
            timer = ctx.executor().schedule(() -> {
                timer = null;
                if (connection.numActiveStreams() == 0) {
                    ctx.close();
                }
            }, timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
