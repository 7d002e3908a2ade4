package dev.nettyws.group;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;
import java.util.function.Consumer;

/**
 * A channel in a group, and the listener that removes it when it closes. The fields after the constructor's belong
 * to its event loop's {@link LoopMembers}.
 */
final class Member implements ChannelFutureListener {
    final Channel channel;
    final LoopMembers loop;
    final Consumer<? super Channel> onJoin;
    /**
     * Writes need no future: a write refused by a closing connection is released by its handler, and the member
     * leaves with the close. A void promise that does not fire the failure down the pipeline either.
     */
    final ChannelPromise quietPromise;
    private final WebSocketGroup group;

    /** The position in {@link LoopMembers}'s array, or -1 when not in it. */
    int index = -1;
    /** Written to since the last flush. */
    boolean unflushed;

    Member(WebSocketGroup group, Channel channel, LoopMembers loop, Consumer<? super Channel> onJoin) {
        this.group = group;
        this.channel = channel;
        this.loop = loop;
        this.onJoin = onJoin;
        this.quietPromise = new VoidChannelPromise(channel, false);
    }

    @Override
    public void operationComplete(ChannelFuture closed) {
        group.remove(channel);
    }
}
