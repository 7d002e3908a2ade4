package dev.nettyws.example.chat;

import dev.nettyws.example.ConnectionListener;
import dev.nettyws.example.WebSocketTransport;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.Frame;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.protocol.WebSocketClosedEvent;
import dev.nettyws.protocol.WebSocketSession;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /chat} WebSocket transport of the chat service ({@link ChatRooms}) for one connection: the application
 * handler behind the connection handler and the message aggregator (so every text frame is a whole message).
 *
 * <p><b>Joining.</b> On the {@link HandshakeCompletedEvent} it reads {@code room} (default {@value
 * ChatNames#DEFAULT_ROOM}), {@code nick} and {@code since} from the query and joins; its events go out through a
 * {@link WebSocketSubscriber}. A refused join gets an error event and a close with 1008 (a bad name) or 1013 (no
 * room left).
 *
 * <p><b>Messages.</b> Each text frame is posted through the member's {@link ChatSession}, which applies the chat's
 * rules; a refusal gets an error event and the connection stays open, a client that keeps flooding is closed with
 * 1008 {@value ChatSession#FLOODING_REASON}. A binary message is refused the same way.
 *
 * <p><b>Leaving.</b> The {@link WebSocketClosedEvent} (any close, also TCP dropping) ends the session. One log line
 * is written when the connection opens and one when it closes, with the close code; what the peer chose in them
 * (request target, close reason) is escaped ({@link LogText}).
 *
 * <p>One instance per channel, called on its event loop. It releases every frame it receives.
 */
public final class ChatHandler extends ChannelInboundHandlerAdapter {
    /** Errors a client may cause in a burst before it is closed for flooding. */
    static final int STRIKES = ChatSession.STRIKES;
    /** The reason of the close of a client that keeps sending bad or too many messages. */
    public static final String FLOODING_REASON = ChatSession.FLOODING_REASON;

    private static final Logger LOG = LoggerFactory.getLogger(ChatHandler.class);

    /** What every connection's handler shares: one reference instead of two per connection. */
    private final Shared shared;
    /** Null until joined; its member's subscriber is this connection's {@link WebSocketSubscriber}. */
    private ChatSession session;

    /**
     * Creates a handler. A server makes them through {@link #factory}, whose handlers share one reference.
     *
     * @param rooms the server's chat service
     * @param listener told about the connection opening and closing
     */
    public ChatHandler(ChatRooms rooms, ConnectionListener listener) {
        this(new Shared(rooms, listener));
    }

    private ChatHandler(Shared shared) {
        this.shared = shared;
    }

    /**
     * Makes a handler per connection, all sharing the service and the listener (an idle connection's handler is
     * 24 B instead of 32).
     *
     * @param rooms the server's chat service
     * @param listener told about each connection opening and closing
     * @return a new handler on each call
     */
    public static Supplier<ChatHandler> factory(ChatRooms rooms, ConnectionListener listener) {
        Shared shared = new Shared(rooms, listener);
        return () -> new ChatHandler(shared);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof HandshakeCompletedEvent) {
            HandshakeCompletedEvent handshake = (HandshakeCompletedEvent) evt;
            LOG.info("open {} {} over {} from {}", ctx.channel().id(), LogText.quote(handshake.uri()),
                WebSocketTransport.describe(ctx.channel(), handshake), ctx.channel().remoteAddress());
            shared.listener.opened(ctx.channel(), handshake);
            onJoin(ctx, handshake);
        } else if (evt instanceof WebSocketClosedEvent) {
            WebSocketClosedEvent closed = (WebSocketClosedEvent) evt;
            LOG.info("close {} nick={} code={} reason={} by={} clean={}", ctx.channel().id(),
                session == null ? null : LogText.quote(session.member().nick()), closed.statusCode(),
                LogText.quote(closed.reason()), closed.remote() ? "peer" : "server", closed.clean());
            leave();
            shared.listener.closed(ctx.channel(), closed);
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void onJoin(ChannelHandlerContext ctx, HandshakeCompletedEvent handshake) {
        WebSocketSubscriber joining = new WebSocketSubscriber(ctx.channel(), shared.rooms.settings());
        try {
            session = shared.rooms.join(handshake.queryParameter("room"), handshake.queryParameter("nick"),
                handshake.queryParameter("since"), ctx.channel().remoteAddress(), joining);
        } catch (ChatRefusal refusal) {
            ctx.writeAndFlush(new TextFrame(ChatJson.error(refusal.getMessage()).content()));
            WebSocketSession.of(ctx.channel()).close(refusal.kind() == ChatRefusal.Kind.INVALID
                ? CloseStatus.POLICY_VIOLATION : CloseStatus.TRY_AGAIN_LATER, refusal.getMessage());
        }
    }

    private void leave() {
        if (session != null) {
            session.leave();
            subscriber().close();
        }
    }

    /** The subscriber of the member, which {@link #onJoin} made: kept by the session rather than in a field. */
    private WebSocketSubscriber subscriber() {
        return (WebSocketSubscriber) session.member().subscriber();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            // Nothing is taken from a client closed for flooding; a message sent before the client saw another
            // close (the server going away, 1001) is still posted, as the README's shutdown promises.
            if (!(msg instanceof Frame) || ((Frame) msg).isControl() || session == null || session.flooding()) {
                return;
            }
            long now = ctx.executor().ticker().nanoTime();
            PostResult result = msg instanceof TextFrame ? session.post(((TextFrame) msg).text(), now)
                : session.refuse("binary messages are not supported", now);
            switch (result.outcome()) {
                case REFUSED:
                    subscriber().send(ChatJson.error(result.reason()));
                    break;
                case FLOODING:
                    WebSocketSession.of(ctx.channel()).close(CloseStatus.POLICY_VIOLATION, FLOODING_REASON);
                    break;
                default:
                    break;
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** The channel drained below its low water mark (or filled): the subscriber may go on catching up. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (session != null) {
            subscriber().writabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * A transport error (typically a connection reset by the peer): the connection is over, and the closed event
     * that follows logs it, so this only closes the channel instead of letting Netty log a warning with a trace.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} {}", ctx.channel().id(), LogText.quote(cause.toString()));
        }
        ctx.close();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        leave();
    }

    /** The chat service and the connection listener. */
    private record Shared(ChatRooms rooms, ConnectionListener listener) {
        Shared {
            Objects.requireNonNull(rooms, "rooms");
            Objects.requireNonNull(listener, "listener");
        }
    }
}
