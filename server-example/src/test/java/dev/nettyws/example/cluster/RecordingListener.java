package dev.nettyws.example.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A {@link RoomListener} that records what a node hears, and lets a test wait for it (bounded). */
final class RecordingListener implements RoomListener {
    private static final long WAIT_SECONDS = 30;

    private final List<RoomMessage> messages = new ArrayList<>();
    private final List<String> presence = new ArrayList<>();
    private HistoryPage recent;
    private int gaps;
    private int resyncs;

    @Override
    public synchronized void onSubscribed(String room, HistoryPage page) {
        recent = page;
        notifyAll();
    }

    @Override
    public synchronized void onMessage(RoomMessage message) {
        messages.add(message);
        notifyAll();
    }

    @Override
    public synchronized void onPresence(String room, String nick, boolean joined) {
        presence.add((joined ? "+" : "-") + nick);
        notifyAll();
    }

    @Override
    public synchronized void onGap(String room) {
        gaps++;
    }

    @Override
    public synchronized void onResync(String room) {
        resyncs++;
    }

    synchronized HistoryPage recent() {
        return recent;
    }

    synchronized List<RoomMessage> messages() {
        return new ArrayList<>(messages);
    }

    synchronized List<String> bodies() {
        return messages.stream().map(RoomMessage::body).toList();
    }

    synchronized List<String> presence() {
        return new ArrayList<>(presence);
    }

    synchronized int gaps() {
        return gaps;
    }

    /** Waits until {@code count} messages arrived; returns them. */
    List<RoomMessage> awaitMessages(int count) throws InterruptedException {
        return awaitMessages(m -> m.size() >= count, count + " messages");
    }

    /** Waits until the messages so far satisfy {@code done}; returns them. */
    synchronized List<RoomMessage> awaitMessages(Predicate<List<RoomMessage>> done, String what)
        throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!done.test(messages) && System.nanoTime() < deadline) {
            wait(50);
        }
        assertTrue(done.test(messages), "waited for " + what + "; got " + messages.size() + " messages");
        return new ArrayList<>(messages);
    }

    /** Waits until a presence event {@code event} ({@code +nick} or {@code -nick}) arrived. */
    synchronized void awaitPresence(String event) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!presence.contains(event) && System.nanoTime() < deadline) {
            wait(50);
        }
        assertTrue(presence.contains(event), "no presence event " + event + " in " + presence);
    }
}
