package dev.nettyws.example.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
            assigned.add(nicks.assign("u", new Object()).nick());
        }
        assertEquals(JOINS, assigned.size(), "all distinct");
        assertTrue(assigned.contains("u") && assigned.contains("u#2") && assigned.contains("u#" + JOINS));
        // The first is free; every later one finds the plain nick taken and its family's next suffix free.
        assertEquals(2L * JOINS - 1, nicks.probes(), "work per join is constant, not the number of members");
    }

    @Test
    void aReleasedNickIsFreeAgainAndSuffixesAreNotReused() {
        RoomNicks nicks = new RoomNicks();
        RoomNicks.Assigned alice = nicks.assign("alice", "a");
        RoomNicks.Assigned alice2 = nicks.assign("Alice", "b");
        assertEquals("Alice#2", alice2.nick());
        nicks.release(alice);
        assertEquals("ALICE", nicks.assign("ALICE", "c").nick(), "the plain nick is free again");
        assertEquals("alice#3", nicks.assign("alice", "d").nick(), "suffix 2 may still be on someone's screen");
        assertEquals(3, nicks.size());
    }

    @Test
    void aFamilyThatEmptiesStartsOver() {
        RoomNicks nicks = new RoomNicks();
        List<RoomNicks.Assigned> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(nicks.assign("bob", i));
        }
        held.forEach(nicks::release);
        assertEquals(0, nicks.size());
        assertEquals("bob", nicks.assign("bob", "x").nick());
        assertEquals("bob#2", nicks.assign("bob", "y").nick());
    }
}
