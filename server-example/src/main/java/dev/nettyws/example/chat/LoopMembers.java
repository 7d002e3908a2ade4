package dev.nettyws.example.chat;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The members of a room on one event loop with one {@link EventEncoding}, and the flush that follows the broadcasts
 * written to them. Writing without a flush and flushing once in a task queued behind them lets a burst of messages
 * leave in one system call per member instead of one per message; a lone message waits only for the tasks already
 * queued.
 *
 * <p>{@link #members} is replaced on the room's executor; {@link #write} runs on {@link #executor} only. The
 * buffer given to {@link #write} stays the caller's: each subscriber keeps a retained duplicate if it needs one.
 */
final class LoopMembers {
    final EventExecutor executor;
    final EventEncoding encoding;
    /** Replaced on change, on the room's executor; broadcasts keep the array they were given. */
    ChatMember[] members = new ChatMember[0];
    // On the member's event loop only.
    private ChatMember[] unflushed;
    private boolean flushQueued;

    LoopMembers(EventExecutor executor, EventEncoding encoding) {
        this.executor = executor;
        this.encoding = encoding;
    }

    /** Delivers {@code event}, encoded as {@code wire}, to every member but {@code except}; on {@link #executor}. */
    void write(ChatMember[] targets, ChatEvent event, ByteBuf wire, ChatMember except) {
        if (unflushed != null && unflushed != targets) {
            // Membership changed since the last write: flush those members now rather than lose track.
            flush();
        }
        for (ChatMember member : targets) {
            if (member != except) {
                member.subscriber().deliver(event, wire);
            }
        }
        unflushed = targets;
        if (!flushQueued) {
            flushQueued = true;
            try {
                executor.execute(this::flush);
            } catch (RejectedExecutionException e) {
                flush();
            }
        }
    }

    private void flush() {
        flushQueued = false;
        ChatMember[] targets = unflushed;
        unflushed = null;
        if (targets != null) {
            for (ChatMember member : targets) {
                member.subscriber().flush();
            }
        }
    }
}
