package dev.nettyws.example.cluster;

/**
 * A message of a room as the store keeps it.
 *
 * @param room the room
 * @param id its id: opaque to clients, increasing within the room in the order every node delivers and keeps
 *     messages (a Redis stream id)
 * @param body what was posted, unchanged
 */
public record RoomMessage(String room, String id, String body) {
}
