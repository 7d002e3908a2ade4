package dev.nettyws.example.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Unique nicks: by case-folded confusable skeleton, suffixed with '#', in work linear in the number of joins. */
class RoomNicksTest {
    private static final int JOINS = 20_000;

    @Test
    void twentyThousandJoinsWithOneNickTryAboutOneNickEach() {
        RoomNicks nicks = new RoomNicks();
        Set<String> assigned = new HashSet<>();
        for (int i = 0; i < JOINS; i++) {
            assigned.add(join(nicks, "u").nick());
        }
        assertEquals(JOINS, assigned.size(), "all distinct");
        assertTrue(assigned.contains("u") && assigned.contains("u#2") && assigned.contains("u#" + JOINS));
        // The first is free; every later one finds the plain nick taken and its family's next suffix free.
        assertEquals(2L * JOINS - 1, nicks.probes(), "work per join is constant, not the number of members");
    }

    @Test
    void aReleasedNickIsFreeAgainAndSuffixesAreNotReused() {
        RoomNicks nicks = new RoomNicks();
        ChatMember alice = join(nicks, "alice");
        assertEquals("Alice#2", join(nicks, "Alice").nick());
        nicks.release(alice);
        assertNull(alice.nick(), "a member that left holds no nick");
        assertFalse(RoomNicks.holds(alice));
        assertEquals("ALICE", join(nicks, "ALICE").nick(), "the plain nick is free again");
        assertEquals("alice#3", join(nicks, "alice").nick(), "suffix 2 may still be on someone's screen");
        assertEquals(3, nicks.size());
        assertEquals(List.of("Alice#2", "ALICE", "alice#3"), new ArrayList<>(nicks.nicks()), "in join order");
    }

    @Test
    void aFamilyThatEmptiesStartsOver() {
        RoomNicks nicks = new RoomNicks();
        List<ChatMember> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(join(nicks, "bob"));
        }
        held.forEach(nicks::release);
        assertEquals(0, nicks.size());
        assertEquals("bob", join(nicks, "bob").nick());
        assertEquals("bob#2", join(nicks, "bob").nick());
    }

    @Test
    void aLoneHolderWhoLeavesBeforeItsFamilyGrowsLeavesNoFamilyBehind() {
        RoomNicks nicks = new RoomNicks();
        nicks.release(join(nicks, "carol"));
        ChatMember carol = join(nicks, "carol");
        assertEquals("carol", carol.nick());
        assertEquals("Carol#2", join(nicks, "Carol").nick(), "the family starts at 2 when it grows");
        nicks.release(carol);
        assertEquals("carol", join(nicks, "carol").nick(), "the plain nick is free again");
        assertEquals("carol#3", join(nicks, "carol").nick(), "the family kept its count: 2 is held");
    }

    @Test
    void lookAlikeRequestsAreOneFamily() {
        RoomNicks nicks = new RoomNicks();
        // "a1" and "al" read the same (their keys are both "al"): one family, one run of suffixes.
        ChatMember a1 = join(nicks, "a1");
        ChatMember al = join(nicks, "al");
        assertEquals("al#2", al.nick());
        ChatMember again = join(nicks, "a1");
        assertEquals("a1#3", again.nick(), "the family's next suffix, whichever form asked");
        nicks.release(a1);
        nicks.release(again);
        nicks.release(al);
        assertEquals(0, nicks.size());
        assertEquals("al", join(nicks, "al").nick(), "the family emptied and was forgotten");
        assertEquals("a1#2", join(nicks, "a1").nick());
    }

    private static ChatMember join(RoomNicks nicks, String requested) {
        ChatMember member = new ChatMember(NoEvents.INSTANCE, requested);
        nicks.assign(member);
        assertTrue(RoomNicks.holds(member));
        return member;
    }

    /** A subscriber for members that only hold nicks here. */
    private enum NoEvents implements ChatSubscriber {
        INSTANCE;

        @Override
        public EventExecutor executor() {
            throw new UnsupportedOperationException();
        }

        @Override
        public ByteBufAllocator alloc() {
            throw new UnsupportedOperationException();
        }

        @Override
        public EventEncoding encoding() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void joined(JoinedRoom joined) {
        }

        @Override
        public void send(ChatEvent event) {
        }

        @Override
        public void deliver(ChatEvent event, ByteBuf encoded) {
        }

        @Override
        public void flush() {
        }
    }
}
