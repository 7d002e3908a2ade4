package dev.nettyws.server;

import dev.nettyws.frame.CloseFrame;
import dev.nettyws.internal.Connection;
import dev.nettyws.protocol.WebSocketSession;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The open connections of a server, so that shutting it down ends them properly: {@link #closeAll} sends every
 * WebSocket connection a close frame (1001 going away, RFC 6455 §7.4.1, for a shutdown) and closes the others (plain
 * HTTP, handshakes in progress) at once. A WebSocket connection then ends with the close handshake, or when its
 * close timeout runs out; its application hears of it through the usual closed event.
 *
 * <p>{@link BoundServer} registers every accepted connection and calls {@link #closeAll} when it is closed. A server
 * with its own {@code ServerBootstrap} adds each accepted channel with {@link #add} (for example first thing in its
 * child {@code ChannelInitializer}) and calls {@link #closeAll} before shutting its event loops down. Closed
 * channels leave the set by themselves.
 *
 * <p>Why not a {@link ChannelGroup}: it keeps its channels in a concurrent map, a node of 32 B for each connection
 * for as long as it is open, where an identity set under a lock keeps them in one array (about 13 B each); a group
 * is made only for {@link #closeAll}'s future.
 *
 * <p>Thread-safe; every method may be called from any thread. Holds no buffers.
 */
public final class OpenConnections {
    /** The reason of the close frame {@link BoundServer#close()} sends. */
    public static final String GOING_AWAY_REASON = "server shutting down";

    /** Guarded by itself. */
    private final Set<Channel> channels = Collections.newSetFromMap(new IdentityHashMap<>());
    private final ChannelFutureListener remover = closed -> remove(closed.channel());

    /** Adds an open connection; it is removed when it closes. */
    public void add(Channel channel) {
        synchronized (channels) {
            if (!channels.add(channel)) {
                return;
            }
        }
        // After it is in: a channel that closed already is removed again at once.
        channel.closeFuture().addListener(remover);
    }

    private void remove(Channel channel) {
        synchronized (channels) {
            channels.remove(channel);
        }
    }

    /** How many connections are open. */
    public int size() {
        synchronized (channels) {
            return channels.size();
        }
    }

    /**
     * Starts ending every open connection: a WebSocket connection is closed as {@link WebSocketSession#close} does:
     * a close frame with {@code statusCode} and {@code reason}, then the close handshake (or, on a bare frame codec
     * without the connection protocol, TCP closed once the frame is written); any other is closed at once. Runs on
     * each channel's event loop. Does not wait.
     *
     * @param statusCode a close code valid on the wire, usually 1001 (going away)
     * @param reason a reason of at most 123 UTF-8 bytes, or null
     * @return completes when every connection open at the time of the call is closed
     * @throws IllegalArgumentException if the code may not be sent or the reason is too long
     */
    public ChannelGroupFuture closeAll(int statusCode, String reason) {
        new CloseFrame(statusCode, reason).release();
        List<Channel> open;
        synchronized (channels) {
            open = new ArrayList<>(channels);
        }
        ChannelGroup ending = new DefaultChannelGroup("nettyws-connections", GlobalEventExecutor.INSTANCE);
        ending.addAll(open);
        ChannelGroupFuture closed = ending.newCloseFuture();
        for (Channel channel : open) {
            channel.eventLoop().execute(() -> end(channel, statusCode, reason));
        }
        return closed;
    }

    private static void end(Channel channel, int statusCode, String reason) {
        // A frame codec on the channel makes it a WebSocket connection, upgraded by us or assembled by hand.
        Connection connection = Connection.find(channel);
        if (connection != null && channel.isActive()) {
            connection.close(statusCode, reason);
        } else {
            channel.close();
        }
    }
}
