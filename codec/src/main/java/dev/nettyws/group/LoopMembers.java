package dev.nettyws.group;

import dev.nettyws.internal.Connection;
import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The members of a group on one event loop, and the task that writes to them. The group queues every publish and
 * membership change for each of its event loops under its lock, so all event loops see one order. One drain task
 * at a time runs here: it takes everything queued so far, writes each message to the members of that moment
 * without flushing, and then flushes each member it wrote to once. Publishes queued while a drain runs schedule the
 * next one.
 *
 * <p>{@link #pending}, {@link #memberCount} and {@link #abandoned} are guarded by the group's lock; the member array
 * and the flush list belong to {@link #executor}.
 */
final class LoopMembers {
    final EventExecutor executor;
    /** Publishes and membership changes not yet taken by a drain. Guarded by the group's lock. */
    ArrayDeque<Object> pending = new ArrayDeque<>();
    /** Members of this loop, counting changes queued and not yet drained. Guarded by the group's lock. */
    int memberCount;
    /** The event loop refused a task: nothing will drain here again. Guarded by the group's lock. */
    boolean abandoned;

    final WebSocketGroup group;
    private final Object lock;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;
    // On executor only.
    private ArrayDeque<Object> spare = new ArrayDeque<>();
    private Member[] members = new Member[4];
    private int size;
    private final List<Member> unflushed = new ArrayList<>();

    LoopMembers(WebSocketGroup group, Object lock, EventExecutor executor) {
        this.group = group;
        this.lock = lock;
        this.executor = executor;
    }

    /**
     * Makes sure a drain runs after what was just queued; any thread. The flag is cleared by the drain before it
     * takes the queue, so an operation queued after that take always finds it clear and schedules the next drain.
     */
    void scheduleDrain() {
        if (!drainScheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(drain);
        } catch (RejectedExecutionException e) {
            group.abandon(this);
        }
    }

    /** Releases the publishes queued here; holding the group's lock. */
    void releasePending() {
        for (Object op; (op = pending.pollFirst()) != null; ) {
            if (op instanceof Publish) {
                ((Publish) op).frames.release();
            }
        }
    }

    private void drain() {
        drainScheduled.set(false);
        ArrayDeque<Object> batch;
        synchronized (lock) {
            batch = pending;
            pending = spare;
        }
        try {
            for (Object op; (op = batch.pollFirst()) != null; ) {
                if (op instanceof Publish) {
                    write((Publish) op);
                } else {
                    change((MembershipChange) op);
                }
            }
        } finally {
            for (Object op; (op = batch.pollFirst()) != null; ) {
                if (op instanceof Publish) {
                    ((Publish) op).frames.release();
                }
            }
            spare = batch;
            flush();
        }
        if (size == 0) {
            group.dropIfIdle(this);
        }
    }

    private void write(Publish publish) {
        try {
            for (int i = 0; i < size; i++) {
                Member member = members[i];
                Channel channel = member.channel;
                if (channel == publish.except) {
                    continue;
                }
                // Writes need no future: a write refused by a closing connection is released by its handler, and
                // the member leaves with the close. The channel's own quiet void promise (on its event loop, as
                // here) does not fire a failure down the pipeline either, and costs no object per member.
                channel.write(publish.frames.retainedDuplicate(), channel.unsafe().voidPromise());
                if (!channel.isWritable()) {
                    // Past the high water mark: send now rather than pile up unflushed bytes until the run ends.
                    channel.flush();
                }
                markUnflushed(member);
            }
        } finally {
            publish.frames.release();
        }
    }

    private void change(MembershipChange change) {
        Member member = change.member;
        Connection connection = Connection.find(member.channel);
        if (!change.joins) {
            removeFromArray(member);
            if (!member.watchesEnd || connection == null || !connection.unwatchEnd(member)) {
                // Listening on the close future: from the start, or handed there when the handler left.
                member.channel.closeFuture().removeListener(member);
            }
            return;
        }
        // Here, on the member's event loop, where the connection's state lives. A connection that ended already
        // is removed again at once by its close future.
        member.watchesEnd = connection != null && connection.watchEnd(member);
        if (!member.watchesEnd) {
            member.channel.closeFuture().addListener(member);
        }
        if (size == members.length) {
            members = Arrays.copyOf(members, size * 2);
        }
        member.index = size;
        members[size++] = member;
        if (change.onJoin != null) {
            try {
                change.onJoin.accept(member.channel);
            } catch (Throwable t) {
                member.channel.pipeline().fireExceptionCaught(t);
            }
            markUnflushed(member);
        }
    }

    private void removeFromArray(Member member) {
        int index = member.index;
        if (index < 0) {
            return;
        }
        Member last = members[--size];
        members[index] = last;
        last.index = index;
        members[size] = null;
        member.index = -1;
        if (size == 0 && members.length > 4) {
            members = new Member[4];
        }
    }

    private void markUnflushed(Member member) {
        if (!member.unflushed) {
            member.unflushed = true;
            unflushed.add(member);
        }
    }

    private void flush() {
        for (int i = 0; i < unflushed.size(); i++) {
            Member member = unflushed.get(i);
            member.unflushed = false;
            member.channel.flush();
        }
        unflushed.clear();
    }
}
