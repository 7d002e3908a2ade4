package dev.nettyws.example.chat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One event of the chat protocol, encoded once: its compact JSON in UTF-8 ({@link ChatJson} builds them), its
 * {@code type}, and for a message its {@code id}. Transports frame these bytes as they need (a WebSocket text frame,
 * an SSE {@code data:} line, an element of a JSON array), so the JSON is never re-encoded per member, and
 * {@link #size()} is what the event costs on the wire before framing: the figure every byte limit of the chat counts.
 *
 * <p>Immutable and shared freely between threads; it holds no reference-counted buffer.
 */
public final class ChatEvent {
    private final String type;
    private final String id;
    private final byte[] json;

    ChatEvent(String type, String id, byte[] json) {
        this.type = Objects.requireNonNull(type, "type");
        this.id = id;
        this.json = Objects.requireNonNull(json, "json");
    }

    /** The event's {@code "type"}: {@code message}, {@code history}, {@code presence}, {@code join}... */
    public String type() {
        return type;
    }

    /** The message's id (opaque, increasing within its room), or null for an event that is not a message. */
    public String id() {
        return id;
    }

    /** The length of the JSON in bytes. */
    public int size() {
        return json.length;
    }

    /**
     * The JSON as a new read-only buffer over the event's bytes (no copy); the caller owns it (releasing it frees
     * nothing, it is not pooled).
     */
    public ByteBuf content() {
        return Unpooled.wrappedBuffer(json).asReadOnly();
    }

    /** Copies the JSON into {@code out}. */
    void writeTo(ByteBuf out) {
        out.writeBytes(json);
    }

    /** The JSON as text. */
    public String json() {
        return new String(json, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return json();
    }
}
