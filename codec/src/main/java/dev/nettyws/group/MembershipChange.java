package dev.nettyws.group;

import io.netty.channel.Channel;
import java.util.function.Consumer;

/** A member joining or leaving, queued for its event loop in the group's order. */
final class MembershipChange {
    final Member member;
    final boolean joins;
    /** What a joining member's channel is given on its event loop when it joins, or null. */
    final Consumer<? super Channel> onJoin;

    MembershipChange(Member member, boolean joins, Consumer<? super Channel> onJoin) {
        this.member = member;
        this.joins = joins;
        this.onJoin = onJoin;
    }
}
