package dev.nettyws.group;

import dev.nettyws.internal.Connection;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;

/**
 * A channel in a group, and what removes it when the connection ends: run by the {@link Connection} when the
 * connection handler reports the end ({@link Connection#watchEnd}), or else a listener on the channel's close
 * future. The fields after the constructor's belong to its event loop's {@link LoopMembers}. One per member and
 * connection, so it keeps only what every write needs (the join callback travels with the {@link MembershipChange},
 * the group is the loop's): 32 B.
 */
final class Member implements ChannelFutureListener, Runnable {
    final Channel channel;
    final LoopMembers loop;

    /** The position in {@link LoopMembers}'s array, or -1 when not in it. */
    int index = -1;
    /** Written to since the last flush. */
    boolean unflushed;
    /** Whether the connection's end removes it ({@link Connection#watchEnd}) rather than the close future. */
    boolean watchesEnd;

    Member(Channel channel, LoopMembers loop) {
        this.channel = channel;
        this.loop = loop;
    }

    @Override
    public void operationComplete(ChannelFuture closed) {
        run();
    }

    /** The connection ended: leave the group. */
    @Override
    public void run() {
        loop.group.remove(channel);
    }
}
