package dev.nettyws.example.cluster;

import java.util.regex.Pattern;

/**
 * The id of a message in a room: a Redis stream entry id, {@code <milliseconds>-<sequence>}. Ids increase within a
 * room, in the order of its messages; {@link #ZERO} comes before every message. Immutable.
 *
 * @param millis the milliseconds part
 * @param sequence the sequence part
 */
public record StreamId(long millis, long sequence) implements Comparable<StreamId> {
    /** Before the first message of any room. */
    public static final StreamId ZERO = new StreamId(0, 0);

    private static final Pattern FORM = Pattern.compile("\\d{1,18}-\\d{1,18}");

    /**
     * Reads an id.
     *
     * @throws IllegalArgumentException if {@code id} is not two decimal numbers (of at most 18 digits) joined by
     *     {@code -}
     */
    public static StreamId parse(String id) {
        if (id == null || !FORM.matcher(id).matches()) {
            throw new IllegalArgumentException("not a message id: " + id);
        }
        int dash = id.indexOf('-');
        return new StreamId(Long.parseLong(id, 0, dash, 10), Long.parseLong(id, dash + 1, id.length(), 10));
    }

    @Override
    public int compareTo(StreamId other) {
        int byMillis = Long.compare(millis, other.millis);
        return byMillis != 0 ? byMillis : Long.compare(sequence, other.sequence);
    }

    @Override
    public String toString() {
        return millis + "-" + sequence;
    }
}
