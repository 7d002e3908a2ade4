package dev.nettyws.example.cluster;

import java.util.List;

/**
 * Messages read from a room's history, oldest first.
 *
 * @param messages the messages
 * @param complete for a read after an id: whether every message after that id is here (false when some already
 *     fell out of the capped history, or the id is not from this room's history). Always true for a read of the
 *     newest messages
 */
public record HistoryPage(List<RoomMessage> messages, boolean complete) {
    /** An unmodifiable copy of the list. */
    public HistoryPage {
        messages = List.copyOf(messages);
    }

    /** The id of the newest message here, or null if there is none. */
    public String lastId() {
        return messages.isEmpty() ? null : messages.get(messages.size() - 1).id();
    }
}
