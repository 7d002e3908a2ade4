package dev.nettyws.example.chat;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * The members of one room in this process, grouped by event loop and encoding, and the broadcast to them: an event
 * is encoded once per {@link EventEncoding} in use and every member gets the same bytes. Members on the calling
 * thread's event loop are written to at once; for each other event loop one task writes to all of its members,
 * instead of one task per member and write. Each member is flushed once after the run of broadcasts its event loop
 * has queued ({@link LoopMembers}), not once per message.
 *
 * <p>Not thread-safe: used on its room's executor only. A broadcast's buffer is allocated from a member's
 * subscriber; each group of another event loop holds one retained duplicate until its task has run, and the
 * broadcast releases its own reference before it returns.
 */
final class RoomMembers {
    private final List<LoopMembers> groups = new ArrayList<>();
    private int size;

    int size() {
        return size;
    }

    void add(ChatMember member) {
        ChatSubscriber subscriber = member.subscriber();
        LoopMembers group = group(subscriber.executor(), subscriber.encoding());
        if (group == null) {
            group = new LoopMembers(subscriber.executor(), subscriber.encoding());
            groups.add(group);
        }
        ChatMember[] grown = Arrays.copyOf(group.members, group.members.length + 1);
        grown[group.members.length] = member;
        group.members = grown;
        size++;
    }

    void remove(ChatMember member) {
        ChatSubscriber subscriber = member.subscriber();
        LoopMembers group = group(subscriber.executor(), subscriber.encoding());
        if (group == null) {
            return;
        }
        ChatMember[] shrunk = Arrays.stream(group.members).filter(m -> m != member).toArray(ChatMember[]::new);
        if (shrunk.length == group.members.length) {
            return;
        }
        size--;
        if (shrunk.length == 0) {
            groups.remove(group);
        } else {
            group.members = shrunk;
        }
    }

    private LoopMembers group(EventExecutor executor, EventEncoding encoding) {
        for (LoopMembers group : groups) {
            if (group.executor == executor && group.encoding == encoding) {
                return group;
            }
        }
        return null;
    }

    /** Sends {@code event} to every member except {@code except} (which may be null). */
    void broadcast(ChatEvent event, ChatMember except) {
        if (size == 0 || size == 1 && except != null) {
            return;
        }
        ByteBuf[] wires = new ByteBuf[groups.size()];
        try {
            for (int i = 0; i < groups.size(); i++) {
                LoopMembers group = groups.get(i);
                ByteBuf wire = encoded(event, i, wires);
                ChatMember[] targets = group.members;
                if (group.executor.inEventLoop()) {
                    group.write(targets, event, wire, except);
                    continue;
                }
                ByteBuf forGroup = wire.retainedDuplicate();
                try {
                    group.executor.execute(() -> {
                        try {
                            group.write(targets, event, forGroup, except);
                        } finally {
                            forGroup.release();
                        }
                    });
                } catch (RejectedExecutionException e) {
                    // The event loop is shutting down with its channels; nothing to deliver.
                    forGroup.release();
                }
            }
        } finally {
            for (ByteBuf wire : wires) {
                if (wire != null) {
                    wire.release();
                }
            }
        }
    }

    /** The encoding of {@code event} for group {@code index}: made once per encoding, kept in {@code wires}. */
    private ByteBuf encoded(ChatEvent event, int index, ByteBuf[] wires) {
        LoopMembers group = groups.get(index);
        for (int i = 0; i < index; i++) {
            if (groups.get(i).encoding == group.encoding && wires[i] != null) {
                return wires[i];
            }
        }
        ChatSubscriber first = group.members[0].subscriber();
        wires[index] = group.encoding.encode(first.alloc(), event);
        return wires[index];
    }
}
