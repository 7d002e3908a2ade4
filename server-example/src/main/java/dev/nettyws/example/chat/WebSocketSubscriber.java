package dev.nettyws.example.chat;

import dev.nettyws.frame.CloseFrame;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.FrameEncoder;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.protocol.ConnectionConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;

/**
 * A member's events on its WebSocket connection: each event is a text frame. Room events come as frames encoded
 * once for every member ({@link #TEXT_FRAMES}, which pass permessage-deflate uncompressed); events for this member
 * alone are written as {@link TextFrame}s, which the pipeline may compress.
 *
 * <p><b>Catching up.</b> On joining, the welcome, the history and the presence list go out as the channel drains:
 * the history in pieces of bounded size ({@link HistoryPieces}), each written only while the channel is writable,
 * the next on {@link #writabilityChanged()}. Room events that arrive meanwhile wait in a queue behind them, in
 * order, and go out the same way. So however big the history, a client that reads never has more than one piece
 * beyond the write buffer's high water mark queued, and the slow consumer limit
 * ({@link ChatSettings#maxPendingWriteBytes()}) only ever counts what the client fails to read. The queue counts
 * against that same limit: a client that cannot keep up with the room while it catches up is closed with 1008
 * {@value ConnectionConfig#PENDING_LIMIT_REASON}.
 *
 * <p>Outside catching up, a room event is written at once, without a flush (the room flushes after a run), except
 * that the run is flushed every high water mark's worth of bytes (64 KiB): a long run of broadcasts never piles up
 * unflushed bytes that would count against a client that reads, and costs one system call per 64 KiB at most, also
 * while the client's socket is full.
 *
 * <p>Every method runs on the channel's event loop. Queued frames are retained duplicates, released when written or
 * on {@link #close()}.
 */
final class WebSocketSubscriber implements ChatSubscriber {
    /** Room events as unmasked WebSocket text frames, encoded once for every member. */
    static final EventEncoding TEXT_FRAMES = (alloc, event) -> FrameEncoder.encode(alloc,
        new TextFrame(event.content()));

    /** The state of a subscriber that stopped ({@link #close()}): nothing more is written. */
    private static final CatchUp CLOSED = new CatchUp(0);

    private final Channel channel;
    /**
     * The state: catching up until the welcome, history, presence and what came meanwhile are all written; then
     * null (room events go straight out); {@link #CLOSED} once stopped. One field for both, so an idle member's
     * subscriber is 24 B.
     */
    private CatchUp catchUp;
    /** Bytes of room events written since the last flush. */
    private int unflushedBytes;

    WebSocketSubscriber(Channel channel, ChatSettings settings) {
        this.channel = channel;
        this.catchUp = new CatchUp(settings.maxPendingWriteBytes());
    }

    @Override
    public EventExecutor executor() {
        return channel.eventLoop();
    }

    @Override
    public ByteBufAllocator alloc() {
        return channel.alloc();
    }

    @Override
    public EventEncoding encoding() {
        return TEXT_FRAMES;
    }

    @Override
    public void joined(JoinedRoom joined) {
        if (catchUp == CLOSED) {
            return;
        }
        write(joined.welcome());
        catchUp.joined(joined);
        catchUp();
    }

    @Override
    public void send(ChatEvent event) {
        if (catchUp == CLOSED) {
            return;
        }
        if (catchUp != null) {
            enqueue(event, event.size());
        } else {
            write(event);
            channel.flush();
        }
    }

    @Override
    public void deliver(ChatEvent event, ByteBuf encoded) {
        if (catchUp == CLOSED) {
            return;
        }
        if (catchUp != null) {
            enqueue(encoded.retainedDuplicate(), encoded.readableBytes());
            return;
        }
        channel.write(encoded.retainedDuplicate());
        unflushedBytes += encoded.readableBytes();
        if (unflushedBytes >= channel.config().getWriteBufferHighWaterMark()) {
            flush();
        }
    }

    @Override
    public void flush() {
        if (catchUp == null) {
            unflushedBytes = 0;
            channel.flush();
        }
    }

    /** Sends the reason as an error event and closes with 1013: the page reconnects, as after any drop. */
    @Override
    public void refused(String reason) {
        if (catchUp == CLOSED) {
            return;
        }
        close();
        channel.write(new TextFrame(ChatJson.error(reason).content()));
        // The reason (it may quote Redis, beyond a close frame's 123 bytes) went in the error event.
        channel.writeAndFlush(new CloseFrame(CloseStatus.TRY_AGAIN_LATER, "try again later"));
    }

    /** The channel's writability changed: go on catching up if it can take more. */
    void writabilityChanged() {
        if (catchUp != null && catchUp != CLOSED && catchUp.hasJoined() && channel.isWritable()) {
            catchUp();
        }
    }

    /** Whether the welcome, history and presence are written and nothing waits, and it did not stop (tests). */
    boolean caughtUp() {
        return catchUp == null;
    }

    /** Stops: nothing more is written, queued frames are released. */
    void close() {
        if (catchUp != null && catchUp != CLOSED) {
            catchUp.release();
        }
        catchUp = CLOSED;
    }

    /** Writes history pieces, the presence list and then what waits in the queue while the channel is writable. */
    private void catchUp() {
        while (catchUp != null && catchUp != CLOSED) {
            if (!channel.isWritable()) {
                channel.flush();
                if (!channel.isWritable()) {
                    // writabilityChanged() goes on once the client has read enough.
                    return;
                }
                // The flush may have fired writabilityChanged(), which caught up (or a close stopped it) meanwhile.
                continue;
            }
            Object next = catchUp.poll();
            if (next == null) {
                catchUp = null;
            } else if (next instanceof ByteBuf) {
                channel.write(next);
            } else {
                write((ChatEvent) next);
            }
        }
        channel.flush();
    }

    private void write(ChatEvent event) {
        channel.write(new TextFrame(event.content()));
    }

    private void enqueue(Object item, long bytes) {
        if (!catchUp.enqueue(item, bytes)) {
            close();
            // A close frame written starts the close handshake; the connection handler closes TCP after it.
            channel.writeAndFlush(new CloseFrame(CloseStatus.POLICY_VIOLATION, ConnectionConfig.PENDING_LIMIT_REASON));
        }
    }
}
