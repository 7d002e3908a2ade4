package dev.nettyws.example.chat;

import java.util.List;
import java.util.NoSuchElementException;

/**
 * A history cut into {@code history} events of bounded size, made one at a time as the transport can take them: a
 * piece holds messages up to {@value #MAX_PIECE_BYTES} bytes (or one message, if that alone is bigger), and every
 * piece but the last says {@code "more":true}. There is always at least one piece, empty when there is no message.
 * So a history of any size reaches a slow or new reader without ever queueing more than one piece ahead of what
 * it has read.
 *
 * <p>Not thread-safe: one per member, used on its transport's thread. The messages are shared, immutable events.
 */
public final class HistoryPieces {
    /** The size a piece is filled to, in bytes of messages. */
    public static final int MAX_PIECE_BYTES = 32 * 1024;

    private final List<ChatEvent> messages;
    private final boolean complete;
    private int next;
    private boolean started;

    /**
     * Cuts a history.
     *
     * @param messages message events, oldest first
     * @param complete whether they are all the messages asked for
     */
    public HistoryPieces(List<ChatEvent> messages, boolean complete) {
        this.messages = messages;
        this.complete = complete;
    }

    /** Whether a piece is left. */
    public boolean hasNext() {
        return !started || next < messages.size();
    }

    /** The next piece. */
    public ChatEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        started = true;
        int from = next;
        long bytes = 0;
        while (next < messages.size() && (next == from || bytes + messages.get(next).size() <= MAX_PIECE_BYTES)) {
            bytes += messages.get(next).size();
            next++;
        }
        return ChatJson.history(messages.subList(from, next), complete, next < messages.size());
    }
}
