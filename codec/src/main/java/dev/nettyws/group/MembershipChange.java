package dev.nettyws.group;

/** A member joining or leaving, queued for its event loop in the group's order. */
final class MembershipChange {
    final Member member;
    final boolean joins;

    MembershipChange(Member member, boolean joins) {
        this.member = member;
        this.joins = joins;
    }
}
