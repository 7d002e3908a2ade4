package dev.nettyws.group;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;

/**
 * A channel in a group, and the listener that removes it when it closes. The fields after the constructor's belong
 * to its event loop's {@link LoopMembers}. One per member and connection, so it keeps only what every write needs
 * (the join callback travels with the {@link MembershipChange}, the group is the loop's): 32 B.
 */
final class Member implements ChannelFutureListener {
    final Channel channel;
    final LoopMembers loop;
    /**
     * Writes need no future: a write refused by a closing connection is released by its handler, and the member
     * leaves with the close. A void promise that does not fire the failure down the pipeline either.
     */
    final ChannelPromise quietPromise;

    /** The position in {@link LoopMembers}'s array, or -1 when not in it. */
    int index = -1;
    /** Written to since the last flush. */
    boolean unflushed;

    Member(Channel channel, LoopMembers loop) {
        this.channel = channel;
        this.loop = loop;
        this.quietPromise = new VoidChannelPromise(channel, false);
    }

    @Override
    public void operationComplete(ChannelFuture closed) {
        loop.group.remove(channel);
    }
}
