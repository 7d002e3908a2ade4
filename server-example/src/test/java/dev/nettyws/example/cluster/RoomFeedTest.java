package dev.nettyws.example.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@link RoomFeed} without Redis: the test plays the room's channel and answers the feed's reads of the
 * stream itself, in whatever order a real network could produce.
 */
class RoomFeedTest {
    private final RecordingListener heard = new RecordingListener();
    private final ArrayDeque<Read> reads = new ArrayDeque<>();
    private int resubscriptions;
    /** Reads fail before returning, as Lettuce's do while disconnected. */
    private boolean failAtOnce;
    private int attempts;
    private final RoomFeed feed = new RoomFeed(new RoomKeys("nettyws", "r"), heard, new RoomFeed.Source() {
        @Override
        public CompletionStage<HistoryPage> range(RoomKeys keys, String after, int limit) {
            attempts++;
            if (failAtOnce) {
                return CompletableFuture.failedFuture(new IllegalStateException("not connected"));
            }
            Read read = new Read(after, limit, new CompletableFuture<>());
            reads.addLast(read);
            return read.reply;
        }

        @Override
        public void resubscribe(RoomFeed feed) {
            resubscriptions++;
        }
    }, 10, 1000);

    /** A read of the stream the feed asked for, answered by the test. */
    private record Read(String after, int limit, CompletableFuture<HistoryPage> reply) {
    }

    private Read nextRead() {
        Read read = reads.pollFirst();
        assertTrue(read != null, "the feed reads the stream");
        return read;
    }

    private static String live(int id, int prev) {
        return "m\n" + id + "-0\n" + prev + "-0\nbody " + id;
    }

    private static HistoryPage page(boolean complete, int... ids) {
        List<RoomMessage> messages = new ArrayList<>();
        for (int id : ids) {
            messages.add(new RoomMessage("r", id + "-0", "body " + id));
        }
        return new HistoryPage(messages, complete);
    }

    /** Subscribed with messages 1..3 in the stream. */
    private void started() {
        feed.expectConfirmation();
        feed.onConfirmed();
        feed.start();
        Read first = nextRead();
        assertEquals("", first.after, "the newest messages first");
        assertEquals(10, first.limit);
        first.reply.complete(page(true, 1, 2, 3));
        assertEquals(List.of("body 1", "body 2", "body 3"), heard.recent().messages().stream()
            .map(RoomMessage::body).toList());
    }

    @Test
    void messagesThatFollowTheLastOneAreDeliveredAndDuplicatesDropped() {
        started();
        feed.onChannel(live(4, 3));
        feed.onChannel(live(4, 3));
        feed.onChannel(live(2, 1));
        feed.onChannel(live(5, 4));
        assertEquals(List.of("body 4", "body 5"), heard.bodies());
        assertTrue(reads.isEmpty(), "no gap, no read");
    }

    @Test
    void liveMessagesDuringTheFirstReadAreSortedOutAfterIt() {
        feed.expectConfirmation();
        feed.onConfirmed();
        feed.start();
        feed.onChannel(live(3, 2));
        feed.onChannel(live(4, 3));
        nextRead().reply.complete(page(true, 1, 2, 3));

        assertEquals(List.of("body 4"), heard.bodies(), "3 was in the recent messages, 4 follows it");
    }

    @Test
    void aGapIsFilledFromTheStreamAndLaterLiveMessagesWaitForIt() {
        started();
        feed.onChannel(live(6, 5));
        Read gap = nextRead();
        assertEquals("3-0", gap.after, "read after the last one delivered");
        feed.onChannel(live(7, 6));
        feed.onChannel(live(5, 4));
        assertEquals(List.of(), heard.bodies(), "held until the read answers");

        gap.reply.complete(page(true, 4, 5, 6));
        assertEquals(List.of("body 4", "body 5", "body 6", "body 7"), heard.bodies());
        assertEquals(0, heard.gaps());
    }

    @Test
    void messagesThatFellOutOfTheStreamAreReportedAndDeliveryGoesOn() {
        started();
        feed.onChannel(live(20, 19));
        nextRead().reply.complete(page(false, 15, 16, 17, 18, 19, 20));

        assertEquals(1, heard.gaps());
        assertEquals(List.of("body 15", "body 16", "body 17", "body 18", "body 19", "body 20"), heard.bodies());
        feed.onChannel(live(21, 20));
        assertEquals("body 21", heard.bodies().get(6));
    }

    @Test
    void aResubscriptionTheNodeDidNotAskForReadsWhatWasMissed() {
        started();
        feed.onConfirmed();
        Read read = nextRead();
        assertEquals("3-0", read.after);
        read.reply.complete(page(true, 4));
        assertEquals(List.of("body 4"), heard.bodies());
    }

    @Test
    void aMessageTheChannelNeverBringsIsReadAtTheSecondCheckAndTheNodeSubscribesAgain() {
        started();
        feed.check();
        nextRead().reply.complete(page(true, 4));
        assertEquals(List.of(), heard.bodies(), "maybe still on its way on the channel");
        assertEquals(0, resubscriptions);

        feed.check();
        assertEquals(1, resubscriptions);
        Read read = nextRead();
        assertEquals("3-0", read.after);
        read.reply.complete(page(true, 4));
        assertEquals(List.of("body 4"), heard.bodies());
    }

    @Test
    void aCheckThatFindsNothingNewDoesNothing() {
        started();
        feed.onChannel(live(4, 3));
        feed.check();
        nextRead().reply.complete(page(true, 4));
        feed.check();
        nextRead().reply.complete(page(true, 4));
        assertEquals(0, resubscriptions);
        assertEquals(List.of("body 4"), heard.bodies());
    }

    @Test
    void aFailedReadIsRetriedByTheNextCheckNotByEveryLiveMessage() {
        started();
        feed.onChannel(live(6, 5));
        nextRead().reply.completeExceptionally(new IllegalStateException("Redis down"));
        feed.onChannel(live(7, 6));
        assertTrue(reads.isEmpty(), "no read per live message while Redis fails");
        assertEquals(List.of(), heard.bodies());

        feed.check();
        nextRead().reply.complete(page(true, 4, 5, 6, 7));
        assertEquals(List.of("body 4", "body 5", "body 6", "body 7"), heard.bodies());
    }

    @Test
    void aReadThatFailsAtOnceIsNotRetriedInALoop() {
        started();
        attempts = 0;
        failAtOnce = true;
        feed.onChannel(live(6, 5));
        feed.onChannel(live(7, 6));
        feed.check();
        assertEquals(2, attempts, "one read for the gap, one for the check");
        assertEquals(List.of(), heard.bodies());
    }

    @Test
    void presenceEventsPassThroughAndClosedFeedsHearNothing() {
        started();
        feed.onChannel("j\nalice");
        feed.onChannel("l\nalice");
        feed.onChannel("garbage");
        assertEquals(List.of("+alice", "-alice"), heard.presence());

        feed.close();
        feed.onChannel(live(4, 3));
        feed.onChannel("j\nbob");
        assertEquals(List.of(), heard.bodies());
        assertFalse(heard.presence().contains("+bob"));
    }
}
