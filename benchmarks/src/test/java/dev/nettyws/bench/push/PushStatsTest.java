package dev.nettyws.bench.push;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The push benchmark counts what the transports deliver: every posted message in a poll's array or an event
 * stream's records once, a repeat as a duplicate, a gap as reordering; and reads the intervals of its transports.
 */
class PushStatsTest {
    private static String message(long seq, long sent) {
        return "{\"type\":\"message\",\"id\":\"e-" + seq + "\",\"room\":\"push\",\"nick\":\"poster\",\"text\":\"P" + seq
            + ':' + sent + ":xxxx\",\"ts\":1}";
    }

    @Test
    void countsEveryMessageOnceAcrossPollsAndStreams() {
        PushStats stats = new PushStats(2);
        stats.received(0, "{\"next\":7,\"events\":[" + message(1, 0) + ',' + message(2, 0) + "]}", 5_000_000);
        stats.received(0, "{\"next\":7,\"events\":[" + message(2, 0) + "]}", 5_000_000);
        stats.received(1, "id: e-1\ndata: " + message(1, 1_000_000) + "\n\nid: e-3\ndata: " + message(3, 1_000_000),
            3_000_000);
        assertEquals(4, stats.delivered());
        assertEquals(1, stats.duplicates());
        assertEquals(1, stats.reordered());
        assertEquals(5.0, stats.maxLatencyMillis(), 0.01);
        assertEquals(2.0, stats.latencyMillis(0), 0.01);
    }

    @Test
    void readsPollingIntervals() {
        assertEquals(1000, PushCommand.pollMillis("poll-1s"));
        assertEquals(100, PushCommand.pollMillis("poll-100ms"));
        assertEquals(0, PushCommand.pollMillis("longpoll"));
    }
}
