package dev.nettyws.example.chat;

import dev.nettyws.example.ConnectionListener;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.Frame;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.protocol.WebSocketClosedEvent;
import dev.nettyws.protocol.WebSocketSession;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Ticker;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /chat} service for one connection, the application handler behind the connection handler and the
 * message aggregator (so every text frame is a whole message).
 *
 * <p><b>Joining.</b> On the {@link HandshakeCompletedEvent} it reads {@code room} (default {@value
 * ChatNames#DEFAULT_ROOM}) and {@code nick} from the query, checks them ({@link ChatNames}) and joins the room; a bad
 * name gets an error event and a close with 1008, a full server (no room left) a close with 1013.
 *
 * <p><b>Messages.</b> Each text frame is read as {@code {"type":"message","text":"..."}} and posted to the room.
 * Malformed JSON, an unknown type, an empty or too long text, a binary message, and a message beyond the rate limit
 * (a token bucket of {@link ChatSettings#burst()} messages refilled at {@link ChatSettings#messagesPerSecond()}) get
 * an error event and the connection stays open; but each such error takes a strike from a second bucket
 * ({@value #STRIKES} strikes, one back per second), and a client that runs out of strikes, one that keeps flooding,
 * is closed with 1008.
 *
 * <p><b>Leaving.</b> The {@link WebSocketClosedEvent} (any close, also TCP dropping) takes the member out of the
 * room. One log line is written when the connection opens and one when it closes, with the close code.
 *
 * <p>One instance per channel, called on its event loop. It releases every frame it receives.
 */
public final class ChatHandler extends ChannelInboundHandlerAdapter {
    /** Errors a client may cause in a burst before it is closed for flooding. */
    static final int STRIKES = 10;
    /** The reason of the close of a client that keeps sending bad or too many messages. */
    public static final String FLOODING_REASON = "flooding";

    private static final Logger LOG = LoggerFactory.getLogger(ChatHandler.class);

    private final ChatRooms rooms;
    private final ConnectionListener listener;
    private final LongSupplier clock;
    private ChatRoom room;
    private ChatMember member;
    private Ticker ticker;
    private TokenBucket rate;
    private TokenBucket strikes;
    private boolean closing;

    /**
     * Creates a handler with the wall clock for message timestamps.
     *
     * @param rooms the server's rooms
     * @param listener told about the connection opening and closing
     */
    public ChatHandler(ChatRooms rooms, ConnectionListener listener) {
        this(rooms, listener, System::currentTimeMillis);
    }

    /**
     * Creates a handler.
     *
     * @param rooms the server's rooms
     * @param listener told about the connection opening and closing
     * @param clock milliseconds since the epoch, for message timestamps
     */
    public ChatHandler(ChatRooms rooms, ConnectionListener listener, LongSupplier clock) {
        this.rooms = Objects.requireNonNull(rooms, "rooms");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ticker = ctx.executor().ticker();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof HandshakeCompletedEvent) {
            HandshakeCompletedEvent handshake = (HandshakeCompletedEvent) evt;
            LOG.info("open {} {} from {}", ctx.channel().id(), handshake.uri(), ctx.channel().remoteAddress());
            listener.opened(ctx.channel(), handshake);
            onJoin(ctx, handshake);
        } else if (evt instanceof WebSocketClosedEvent) {
            WebSocketClosedEvent closed = (WebSocketClosedEvent) evt;
            LOG.info("close {} nick={} code={} reason=\"{}\" by={} clean={}", ctx.channel().id(),
                member == null ? null : member.nick(), closed.statusCode(), closed.reason(),
                closed.remote() ? "peer" : "server", closed.clean());
            leave();
            listener.closed(ctx.channel(), closed);
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void onJoin(ChannelHandlerContext ctx, HandshakeCompletedEvent handshake) {
        String roomName = handshake.queryParameter("room");
        if (roomName == null || roomName.isEmpty()) {
            roomName = ChatNames.DEFAULT_ROOM;
        }
        String nick = handshake.queryParameter("nick");
        String problem = ChatNames.checkNick(nick);
        if (problem == null) {
            problem = ChatNames.checkRoom(roomName);
        }
        if (problem != null) {
            refuse(ctx, CloseStatus.POLICY_VIOLATION, problem);
            return;
        }
        ChatRoom acquired = rooms.acquire(roomName, ctx.channel().eventLoop());
        if (acquired == null) {
            refuse(ctx, CloseStatus.TRY_AGAIN_LATER, "too many rooms");
            return;
        }
        room = acquired;
        member = new ChatMember(ctx.channel(), nick);
        room.join(member);
    }

    private void refuse(ChannelHandlerContext ctx, int code, String reason) {
        closing = true;
        sendError(ctx, reason);
        WebSocketSession.of(ctx.channel()).close(code, reason);
    }

    private void leave() {
        if (room != null) {
            room.leave(member);
            rooms.release(room);
            room = null;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!(msg instanceof Frame) || ((Frame) msg).isControl() || room == null || closing) {
                return;
            }
            long now = ticker.nanoTime();
            if (!(msg instanceof TextFrame)) {
                reject(ctx, "binary messages are not supported", now);
                return;
            }
            String text;
            try {
                text = ChatJson.readMessageText(((TextFrame) msg).text(), rooms.settings().maxTextBytes());
            } catch (ChatJson.BadMessageException e) {
                reject(ctx, e.getMessage(), now);
                return;
            }
            if (rate == null) {
                // Made on the first message, full, as it would be by then had it been made on joining: a member
                // that only listens (most, in a big room) holds no bucket.
                ChatSettings settings = rooms.settings();
                rate = new TokenBucket(settings.burst(), settings.messagesPerSecond(), now);
            }
            if (!rate.tryTake(now)) {
                reject(ctx, "rate limit exceeded: message dropped", now);
                return;
            }
            room.post(member, text, clock.getAsLong());
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Answers a bad message with an error, or closes a client that keeps sending them. */
    private void reject(ChannelHandlerContext ctx, String reason, long now) {
        if (strikes == null) {
            strikes = new TokenBucket(STRIKES, 1, now);
        }
        if (strikes.tryTake(now)) {
            sendError(ctx, reason);
        } else {
            closing = true;
            WebSocketSession.of(ctx.channel()).close(CloseStatus.POLICY_VIOLATION, FLOODING_REASON);
        }
    }

    private static void sendError(ChannelHandlerContext ctx, String reason) {
        ctx.writeAndFlush(TextFrame.of(ctx.alloc(), ChatJson.toText(ChatJson.error(reason))));
    }

    /**
     * A transport error (typically a connection reset by the peer): the connection is over, and the closed event
     * that follows logs it, so this only closes the channel instead of letting Netty log a warning with a trace.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("{} {}", ctx.channel().id(), cause.toString());
        ctx.close();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        leave();
    }
}
