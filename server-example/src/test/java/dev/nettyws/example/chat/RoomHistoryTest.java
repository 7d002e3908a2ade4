package dev.nettyws.example.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Message ids (epoch and sequence) and the history after an id: complete, or what is left. */
class RoomHistoryTest {
    private final List<String> ids = new ArrayList<>();

    /** Posts {@code count} messages of about {@code textBytes} bytes; returns their ids. */
    private void post(RoomHistory history, int count, int textBytes) {
        for (int i = 0; i < count; i++) {
            String id = history.nextId();
            ids.add(id);
            history.add(ChatJson.message(id, "r", "n", "x".repeat(textBytes), 0));
        }
    }

    private static List<String> idsOf(RoomHistory.Slice slice) {
        return slice.messages().stream().map(ChatEvent::id).toList();
    }

    @Test
    void idsIncreaseAsStringsWithinAnEpochAndDifferAcrossEpochs() {
        RoomHistory history = new RoomHistory(10, 1 << 20);
        post(history, 40, 1);
        for (int i = 1; i < ids.size(); i++) {
            assertTrue(ids.get(i - 1).compareTo(ids.get(i)) < 0, ids.get(i - 1) + " < " + ids.get(i));
        }
        String epoch = ids.get(0).substring(0, ids.get(0).indexOf('-'));
        assertTrue(ids.get(39).startsWith(epoch + '-'));
        assertTrue(ids.get(39).endsWith("-00000014"), "40 in base 36: " + ids.get(39));
        RoomHistory again = new RoomHistory(10, 1 << 20);
        assertNotEquals(ids.get(0), again.nextId(), "a room made again starts another epoch");
        assertNotEquals(RoomHistory.newEpoch(1_700_000_000_000L), RoomHistory.newEpoch(1_700_000_000_000L),
            "random within one millisecond too");
    }

    @Test
    void afterAnIdKeptTheRestComplete() {
        RoomHistory history = new RoomHistory(3, 1 << 20);
        post(history, 5, 1);
        assertEquals(ids.subList(3, 5), idsOf(history.after(ids.get(2))));
        assertTrue(history.after(ids.get(2)).complete());
        assertEquals(ids.subList(2, 5), idsOf(history.after(ids.get(1))), "the id just before the oldest kept");
        assertTrue(history.after(ids.get(1)).complete());
        assertEquals(List.of(), idsOf(history.after(ids.get(4))), "the last id: nothing new");
        assertTrue(history.after(ids.get(4)).complete());
    }

    @Test
    void afterAnIdFallenOutOrUnknownWhatIsLeftIncomplete() {
        RoomHistory history = new RoomHistory(3, 1 << 20);
        post(history, 5, 1);
        RoomHistory other = new RoomHistory(3, 1 << 20);
        String otherEpoch = other.nextId();
        String last = ids.get(4);
        String future = last.substring(0, last.length() - 1) + 'z';
        for (String since : List.of(ids.get(0), otherEpoch, future, "junk", "", last + "0")) {
            RoomHistory.Slice slice = history.after(since);
            assertEquals(ids.subList(2, 5), idsOf(slice), since);
            assertFalse(slice.complete(), since);
        }
        assertFalse(history.after(null).complete(), "two messages fell out");
        assertTrue(new RoomHistory(3, 100).after(null).complete(), "none yet");
    }

    @Test
    void theOldestFallOutBeyondTheByteBudget() {
        int size = ChatJson.message("x".repeat(21), "r", "n", "x".repeat(1000), 0).size();
        RoomHistory history = new RoomHistory(100, 10L * size);
        post(history, 25, 1000);
        RoomHistory.Slice slice = history.after(null);
        assertEquals(ids.subList(15, 25), idsOf(slice), "ten messages fit in the budget");
        assertEquals(10L * size, history.bytes());
        assertFalse(slice.complete());
    }

    @Test
    void noHistoryKeptStillGivesIdsAndAnswersSince() {
        RoomHistory history = new RoomHistory(0, 1 << 20);
        post(history, 3, 1);
        assertEquals(List.of(), idsOf(history.after(ids.get(2))));
        assertTrue(history.after(ids.get(2)).complete(), "nothing was missed");
        assertFalse(history.after(ids.get(1)).complete(), "one was missed and is not kept");
    }
}
