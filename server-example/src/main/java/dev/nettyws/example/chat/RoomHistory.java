package dev.nettyws.example.chat;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;

/**
 * A room's message ids and its last messages, for a room that lives in one process.
 *
 * <p><b>Ids.</b> A message id is {@code EPOCH-SEQ}: the epoch names this history (the time it began, in base 36,
 * and four random characters), the sequence counts its messages from 1 (base 36, eight digits). Ids increase within
 * a room, also as strings; a room made again (after a restart of the server, or after it was dropped for a new
 * room) has another epoch, so an id from before is never taken for one of the new messages. Clients treat ids as
 * opaque.
 *
 * <p><b>Bounds.</b> At most {@code maxMessages} messages and {@code maxBytes} bytes of message events are kept; the
 * oldest fall out first. A message bigger than {@code maxBytes} on its own is not kept.
 *
 * <p>Not thread-safe: used on its room's executor only. Holds no reference-counted buffer.
 */
final class RoomHistory {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int SEQUENCE_DIGITS = 8;
    private static final String ZEROS = "0".repeat(SEQUENCE_DIGITS);

    private final String epoch;
    private final int maxMessages;
    private final long maxBytes;
    private final ArrayDeque<ChatEvent> messages = new ArrayDeque<>();
    private long bytes;
    /** The sequence number of the last message, 0 before the first. */
    private long sequence;

    RoomHistory(int maxMessages, long maxBytes) {
        this(newEpoch(System.currentTimeMillis()), maxMessages, maxBytes);
    }

    RoomHistory(String epoch, int maxMessages, long maxBytes) {
        this.epoch = epoch;
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
    }

    static String newEpoch(long millis) {
        StringBuilder epoch = new StringBuilder(Long.toString(millis, Character.MAX_RADIX));
        for (int i = 0; i < 4; i++) {
            epoch.append(Character.forDigit(RANDOM.nextInt(Character.MAX_RADIX), Character.MAX_RADIX));
        }
        return epoch.toString();
    }

    /** The id the next message gets; takes it. */
    String nextId() {
        String digits = Long.toString(++sequence, Character.MAX_RADIX);
        return epoch + '-' + (digits.length() < SEQUENCE_DIGITS ? ZEROS.substring(digits.length()) : "") + digits;
    }

    /** Keeps a message (with the id {@link #nextId()} gave it last), dropping the oldest beyond the bounds. */
    void add(ChatEvent message) {
        messages.addLast(message);
        bytes += message.size();
        while (!messages.isEmpty() && (messages.size() > maxMessages || bytes > maxBytes)) {
            bytes -= messages.removeFirst().size();
        }
    }

    /** The bytes of the messages kept. */
    long bytes() {
        return bytes;
    }

    /**
     * The messages after {@code since}: all of them and complete when {@code since} is the id of a message still
     * kept, or of the one just before the oldest kept, or of the last one (then none); otherwise (an id of
     * messages that fell out, of another epoch, of no message, or not an id) every message kept, incomplete. With
     * no {@code since}, every message kept, complete if none fell out yet.
     */
    Slice after(String since) {
        long dropped = sequence - messages.size();
        if (since == null) {
            return new Slice(List.of(messages.toArray(new ChatEvent[0])), dropped == 0);
        }
        long after = sequenceOf(since);
        if (after < dropped || after > sequence) {
            return new Slice(List.of(messages.toArray(new ChatEvent[0])), false);
        }
        ChatEvent[] all = messages.toArray(new ChatEvent[0]);
        return new Slice(Arrays.asList(Arrays.copyOfRange(all, (int) (after - dropped), all.length)), true);
    }

    /** The sequence number in an id of this epoch, or -1 if it is not one. */
    private long sequenceOf(String id) {
        int dash = epoch.length();
        if (id.length() != dash + 1 + SEQUENCE_DIGITS || !id.startsWith(epoch) || id.charAt(dash) != '-') {
            return -1;
        }
        try {
            return Long.parseLong(id, dash + 1, id.length(), Character.MAX_RADIX);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Messages of a history, oldest first, and whether they are all the messages after the point asked for
     * ({@code complete}) or some of those are missing (fell out of the history, or the point was not known).
     */
    record Slice(List<ChatEvent> messages, boolean complete) {
    }
}
