package dev.nettyws.example.chat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * How a transport puts a room event on its wire (a WebSocket frame, an SSE record...). A room encodes each event
 * once per encoding in use and hands every member the same bytes. Implementations are stateless and thread-safe.
 */
@FunctionalInterface
public interface EventEncoding {
    /**
     * Encodes an event.
     *
     * @param alloc where the result comes from
     * @param event the event
     * @return a new buffer owned by the caller
     */
    ByteBuf encode(ByteBufAllocator alloc, ChatEvent event);
}
