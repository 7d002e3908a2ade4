package dev.nettyws.example.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A node's copy of a room's last messages: what {@code since} gives, and when a join must wait for the feed. */
class NodeHistoryTest {
    private static ChatEvent message(String id) {
        return ChatJson.message(id, "room", "nick", "text " + id, 0);
    }

    private static List<String> ids(RoomHistory.Slice slice) {
        return slice.messages().stream().map(ChatEvent::id).toList();
    }

    private static NodeHistory history(int max, String... ids) {
        NodeHistory history = new NodeHistory(max, Long.MAX_VALUE);
        history.start(List.of(), false);
        for (String id : ids) {
            history.add(message(id));
        }
        return history;
    }

    @Test
    void sinceAKeptIdGivesExactlyTheLaterOnesComplete() {
        NodeHistory history = history(10, "5-0", "5-1", "9-0");
        RoomHistory.Slice slice = history.after("5-0");
        assertEquals(List.of("5-1", "9-0"), ids(slice));
        assertTrue(slice.complete());
        assertTrue(history.after("9-0").messages().isEmpty());
        assertTrue(history.after("9-0").complete());
    }

    @Test
    void withNothingDroppedEverythingIsComplete() {
        NodeHistory history = history(10, "5-0", "9-0");
        assertTrue(history.after(null).complete());
        assertEquals(List.of("5-0", "9-0"), ids(history.after("1-0")));
        assertTrue(history.after("1-0").complete());
    }

    @Test
    void sinceOlderThanWhatIsKeptAfterDropsIsIncomplete() {
        NodeHistory history = history(2, "1-0", "2-0", "3-0");
        RoomHistory.Slice slice = history.after("1-0");
        assertEquals(List.of("2-0", "3-0"), ids(slice));
        assertFalse(slice.complete());
        assertFalse(history.after(null).complete());
        // The first read filled the copy: older messages may exist.
        NodeHistory full = new NodeHistory(2, Long.MAX_VALUE);
        full.start(List.of(message("7-0"), message("8-0")), true);
        assertFalse(full.after("6-0").complete());
        assertTrue(full.after("7-0").complete());
    }

    @Test
    void anIdFromElsewhereGivesEverythingIncomplete() {
        NodeHistory history = history(10, "5-0");
        for (String since : new String[] {"mgx3k2ab7q9z-0000002s", "", "x", "5-0-0"}) {
            RoomHistory.Slice slice = history.after(since);
            assertEquals(List.of("5-0"), ids(slice), since);
            assertFalse(slice.complete(), since);
            assertFalse(history.isAhead(since), since);
        }
    }

    @Test
    void anIdBeyondTheLastDeliveredIsAhead() {
        NodeHistory history = history(10, "5-0");
        assertTrue(history.isAhead("5-1"));
        assertFalse(history.isAhead("5-0"));
        assertFalse(history.isAhead("4-0"));
        history.add(message("6-0"));
        assertFalse(history.isAhead("5-1"));
        assertTrue(history(10).isAhead("1-0"));
    }
}
