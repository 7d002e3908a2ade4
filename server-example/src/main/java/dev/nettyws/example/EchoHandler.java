package dev.nettyws.example;

import dev.nettyws.PeerText;
import dev.nettyws.frame.CloseFrame;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.Frame;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.protocol.ConnectionConfig;
import dev.nettyws.protocol.WebSocketClosedEvent;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /echo} service: writes every data frame it receives back to the sender, text as text and binary as
 * binary. Behind a message aggregator each frame is a whole message, so a fragmented message comes back as one.
 *
 * <p><b>No copy.</b> The received frame itself is written back: its payload (a slice of the decoder's input, or the
 * aggregator's buffer) goes to the encoder and then the transport, which releases it. Control frames that reach this
 * handler (pongs, when the connection handler forwards them) are released.
 *
 * <p><b>Backpressure.</b> A peer that sends faster than it reads would make an echo server buffer without bound. When
 * the channel stops being writable (its outbound bytes passed the high water mark) this handler turns auto-read off,
 * so nothing more is read from the socket, and turns it back on once the outbound bytes drain below the low water
 * mark. Memory is then bounded by the water marks plus what one read can decode.
 *
 * <p><b>Events.</b> Logs one line when the connection opens ({@link HandshakeCompletedEvent}) and one when it closes
 * ({@link WebSocketClosedEvent}, with the close code), and tells the {@link ConnectionListener}.
 *
 * <p><b>Errors.</b> The connection handler in front deals with the codec's failures (it closes with 1011 and logs
 * what the pipeline cannot handle), so what reaches this handler is a transport error while the connection was open
 * (Netty closes the channel and the close line reports 1006: logged at debug level only) or an error of this
 * handler or its listener: logged once, with its stack trace, and the connection closed with 1011 (internal error).
 * Nothing is passed on to the end of the pipeline, where Netty would log it again and leave the connection open.
 *
 * <p>One instance per channel; called on the channel's event loop only.
 */
public class EchoHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(EchoHandler.class);

    private final ConnectionListener listener;
    private boolean failed;

    /** Creates a handler that only logs connection events. */
    public EchoHandler() {
        this(ConnectionListener.NONE);
    }

    /**
     * Creates a handler.
     *
     * @param listener told about the connection opening and closing
     */
    public EchoHandler(ConnectionListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Frame) || ((Frame) msg).isControl()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        // Ownership of the frame passes to the write; the encoder releases it. A failed write (the peer went away)
        // needs no handling here: the connection handler reports the close.
        ctx.write(msg);
        Channel channel = ctx.channel();
        if (!channel.isWritable() && channel.config().isAutoRead()) {
            channel.config().setAutoRead(false);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Channel channel = ctx.channel();
        if (channel.isWritable() && !channel.config().isAutoRead()) {
            // Setting auto-read back on also schedules a read.
            channel.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (isTransportError(cause)) {
            LOG.debug("{} transport error: {}", ctx.channel().id(), cause.toString());
            return;
        }
        if (failed) {
            LOG.debug("{} another error: {}", ctx.channel().id(), cause.toString());
            return;
        }
        failed = true;
        LOG.warn("{} closing with 1011 after an error", ctx.channel().id(), cause);
        // A close frame written starts the close handshake; the connection handler closes TCP after it.
        ctx.writeAndFlush(new CloseFrame(CloseStatus.INTERNAL_ERROR, ConnectionConfig.INTERNAL_ERROR_REASON));
    }

    private static boolean isTransportError(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof HandshakeCompletedEvent) {
            HandshakeCompletedEvent handshake = (HandshakeCompletedEvent) evt;
            LOG.info("open {} {} from {}", ctx.channel().id(), PeerText.forLog(handshake.path()),
                ctx.channel().remoteAddress());
            listener.opened(ctx.channel(), handshake);
        } else if (evt instanceof WebSocketClosedEvent) {
            WebSocketClosedEvent closed = (WebSocketClosedEvent) evt;
            LOG.info("close {} code={} reason=\"{}\" by={} clean={}", ctx.channel().id(), closed.statusCode(),
                PeerText.forLog(closed.reason()), closed.remote() ? "peer" : "server", closed.clean());
            listener.closed(ctx.channel(), closed);
        }
        ctx.fireUserEventTriggered(evt);
    }
}
