package dev.nettyws.group;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;

/**
 * A channel in a group, and the listener that removes it when it closes. The fields after the constructor's belong
 * to its event loop's {@link LoopMembers}. One per member and connection, so it keeps only what every write needs
 * (the join callback travels with the {@link MembershipChange}, the group is the loop's): 32 B.
 */
final class Member implements ChannelFutureListener {
    final Channel channel;
    final LoopMembers loop;

    /** The position in {@link LoopMembers}'s array, or -1 when not in it. */
    int index = -1;
    /** Written to since the last flush. */
    boolean unflushed;

    Member(Channel channel, LoopMembers loop) {
        this.channel = channel;
        this.loop = loop;
    }

    @Override
    public void operationComplete(ChannelFuture closed) {
        loop.group.remove(channel);
    }
}
