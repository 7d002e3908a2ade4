package dev.nettyws.group;

import dev.nettyws.frame.BinaryFrame;
import dev.nettyws.frame.Frame;
import dev.nettyws.frame.FrameEncoder;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.internal.Connection;
import dev.nettyws.protocol.ConnectionConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A group of server-side WebSocket connections that receive the same messages: a chat room, a topic, a ticker.
 * A message published to the group is encoded into a frame once, and every member is written the same bytes (a
 * retained duplicate of one buffer), so the cost of a broadcast is the writes, not an encoding per member. Members
 * are grouped by event loop: one task per event loop writes a whole run of publishes to its members without
 * flushing, then flushes each member once, so a burst of messages leaves in one system call per member instead of
 * one per message, while a lone message waits only for the tasks already queued on its members' event loops.
 * <pre>{@code
 * WebSocketGroup room = new WebSocketGroup();
 * // in the application handler of each connection:
 * public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
 *     if (evt instanceof HandshakeCompletedEvent) {
 *         room.add(ctx.channel());                  // leaves by itself when the connection closes
 *     }
 *     ctx.fireUserEventTriggered(evt);
 * }
 * protected void channelRead0(ChannelHandlerContext ctx, TextFrame message) {
 *     room.publish(message.retain());               // every member, the sender included, gets the same bytes
 * }
 * }</pre>
 *
 * <p><b>Order.</b> Publishes, adds and removes take effect in one order per group, the order in which their calls
 * took the group's lock; calls made one after the other by one thread keep their order. Every member receives
 * exactly the messages published after its {@link #add} and before its {@link #remove} (or its close), in that one
 * order: two members never see two messages in different orders, whichever threads published them. Frames a member
 * is written outside the group (a welcome, a reply to one member) are not ordered with the group's messages, except
 * those written by the {@code onJoin} callback of {@link #add(Channel, Consumer)}, which come before every message
 * published after the add. A member must not be written fragmented messages of its own (RFC 6455 §5.4 forbids
 * interleaving another message into them).
 *
 * <p><b>Slow members.</b> Publishing never waits for a member. A member's writes are queued on its channel and
 * bounded by its write limits as for any other write: a peer that stops reading is failed with 1008
 * after {@link ConnectionConfig#writeStallTimeout()}, or as soon as more than
 * {@link ConnectionConfig#maxPendingWriteBytes()} are queued for it, and then leaves the group; the other members
 * are not held up. A member whose outbound buffer passes its high water mark during a run of publishes is flushed at
 * once rather than at the end of the run, so a long run does not queue unflushed bytes beyond the water mark. The
 * group itself does not bound how often messages are published: rate-limit publishers (the example chat does, per
 * member) so that the event loops keep up.
 *
 * <p><b>Buffers.</b> Every publish method takes over what it is given, also when it throws: the frame or buffer
 * belongs to the group from the call on, and the caller must not release or use it afterwards (call
 * {@code retain()} first to keep using it). The group releases it once every member's event loop has written it.
 * Each member's transport releases the duplicate it was written. Messages are encoded with the allocator given to
 * the constructor.
 *
 * <p><b>Members.</b> Server-side WebSocket channels after the upgrade ({@link dev.nettyws.handshake
 * .HandshakeCompletedEvent}), with a {@link FrameEncoder} in the pipeline: the bytes are unmasked server frames and
 * pass the encoder (and a permessage-deflate deflater, which leaves them uncompressed, as RFC 7692 §6 allows)
 * untouched. A channel is a member until it is removed or closes.
 *
 * <p><b>Threads.</b> Thread-safe: every method may be called from any thread, event loops included. Writes to a
 * member run on the member's event loop. The group holds a lock only to queue an operation for each event loop, and
 * never while writing.
 */
public final class WebSocketGroup {
    private final ByteBufAllocator alloc;
    private final Object lock = new Object();
    /**
     * Guarded by lock. Channels are their own identity; an identity map keeps its entries in one array, where a
     * concurrent map spends a node of 32 B on each member.
     */
    private final Map<Channel, Member> members = new IdentityHashMap<>();
    // Guarded by lock: the event loops of the members, also as an array read by every publish.
    private final Map<EventExecutor, LoopMembers> loopsByExecutor = new HashMap<>();
    private LoopMembers[] loops = new LoopMembers[0];

    /** A group encoding messages with {@link ByteBufAllocator#DEFAULT}. */
    public WebSocketGroup() {
        this(ByteBufAllocator.DEFAULT);
    }

    /**
     * A group encoding messages with {@code alloc}.
     *
     * @param alloc the allocator of the buffers that published frames are encoded into
     */
    public WebSocketGroup(ByteBufAllocator alloc) {
        this.alloc = Objects.requireNonNull(alloc, "alloc");
    }

    /**
     * Adds a connection: it receives every message published after this call returns. Does nothing if it is
     * already a member or closed.
     *
     * @param channel an upgraded server-side WebSocket channel
     * @return whether it was added
     * @throws IllegalArgumentException if the channel is open and has no WebSocket connection (not upgraded yet)
     */
    public boolean add(Channel channel) {
        return add(channel, null);
    }

    /**
     * Adds a connection and, on its event loop, runs {@code onJoin} at the moment it joins the group's order of
     * messages: what the callback writes to the channel (a welcome, the history so far) reaches the member after
     * every message published before this call and before every message published after it. The channel is
     * flushed after the callback. An exception thrown by the callback is fired down the channel's pipeline
     * ({@code exceptionCaught}), where the connection handler treats it as an error the pipeline cannot handle:
     * the connection is failed with 1011 and so leaves the group. Does nothing if it is already a member or closed.
     *
     * @param channel an upgraded server-side WebSocket channel
     * @param onJoin called with the channel on its event loop, or null
     * @return whether it was added (if not, {@code onJoin} is not called)
     * @throws IllegalArgumentException if the channel is open and has no WebSocket connection (not upgraded yet)
     */
    public boolean add(Channel channel, Consumer<? super Channel> onJoin) {
        Objects.requireNonNull(channel, "channel");
        if (!channel.isOpen()) {
            return false;
        }
        if (Connection.find(channel) == null) {
            // The frame codec puts the connection state on the channel: without it, the group's bytes would not be
            // WebSocket frames to anyone.
            throw new IllegalArgumentException("not a WebSocket channel (no WebSocket connection on it): add it"
                + " once the handshake has completed");
        }
        Member member;
        synchronized (lock) {
            if (!channel.isOpen() || members.containsKey(channel)) {
                return false;
            }
            LoopMembers loop = loopsByExecutor.get(channel.eventLoop());
            if (loop == null) {
                loop = new LoopMembers(this, lock, channel.eventLoop());
                loopsByExecutor.put(loop.executor, loop);
                loops = Arrays.copyOf(loops, loops.length + 1);
                loops[loops.length - 1] = loop;
            }
            member = new Member(channel, loop);
            members.put(channel, member);
            loop.memberCount++;
            loop.pending.addLast(new MembershipChange(member, true, onJoin));
        }
        // The drain joins it on its event loop and from then on watches for the connection's end.
        member.loop.scheduleDrain();
        return true;
    }

    /**
     * Removes a connection: it receives no message published after this call returns (it may still receive those
     * published before). Closed connections are removed by themselves.
     *
     * @param channel the channel
     * @return whether it was a member
     */
    public boolean remove(Channel channel) {
        Member member;
        synchronized (lock) {
            member = members.remove(channel);
            if (member == null) {
                return false;
            }
            member.loop.memberCount--;
            member.loop.pending.addLast(new MembershipChange(member, false, null));
        }
        member.loop.scheduleDrain();
        return true;
    }

    /** Whether the channel is a member. */
    public boolean contains(Channel channel) {
        synchronized (lock) {
            return members.containsKey(channel);
        }
    }

    /** How many members the group has. */
    public int size() {
        synchronized (lock) {
            return members.size();
        }
    }

    /**
     * Sends a message to every member. Same as {@code publish(message, null)}.
     *
     * @param message a final {@link TextFrame} or {@link BinaryFrame} without extension bits; released by the group
     * @return how many members the message was queued for
     * @throws IllegalArgumentException if the frame is a control frame, a fragment or has RSV bits set
     */
    public int publish(Frame message) {
        return publish(message, null);
    }

    /**
     * Encodes a message once and sends it to every member but {@code except}.
     *
     * @param message a final {@link TextFrame} or {@link BinaryFrame} without extension bits; released by the
     *     group. A control frame would bypass the close handshake of each connection, and a fragment or a
     *     compressed frame could not be the same bytes for every member.
     * @param except a member that does not get it (usually the sender), or null
     * @return how many members the message was queued for
     * @throws IllegalArgumentException if the frame is a control frame, a fragment or has RSV bits set
     */
    public int publish(Frame message, Channel except) {
        Objects.requireNonNull(message, "message");
        boolean wholeDataMessage = (message instanceof TextFrame || message instanceof BinaryFrame)
            && message.isFinal() && message.rsv() == 0;
        if (!wholeDataMessage) {
            String what = message.toString();
            message.release();
            throw new IllegalArgumentException("a group publishes whole data messages without extension bits: "
                + what);
        }
        return publishEncoded(FrameEncoder.encode(alloc, message), except);
    }

    /**
     * Sends bytes encoded beforehand to every member. Same as {@code publishEncoded(frames, null)}.
     *
     * @param frames complete unmasked frames; released by the group
     * @return how many members the bytes were queued for
     */
    public int publishEncoded(ByteBuf frames) {
        return publishEncoded(frames, null);
    }

    /**
     * Sends bytes encoded beforehand, for instance with {@link FrameEncoder#encode}, to every member but
     * {@code except}: for an application that keeps the encoded message (a history, a cache) or sends it to several
     * groups. The bytes are not checked: they must be whole unmasked data frames without extension bits.
     *
     * @param frames complete unmasked frames; released by the group
     * @param except a member that does not get them (usually the sender), or null
     * @return how many members the bytes were queued for
     */
    public int publishEncoded(ByteBuf frames, Channel except) {
        Objects.requireNonNull(frames, "frames");
        Publish publish = new Publish(frames, except);
        LoopMembers[] targets;
        int receivers;
        synchronized (lock) {
            targets = loops;
            receivers = members.size();
            if (targets.length == 0) {
                frames.release();
                return 0;
            }
            if (except != null && members.containsKey(except)) {
                receivers--;
            }
            // One reference per event loop; the caller's is the first.
            if (targets.length > 1) {
                frames.retain(targets.length - 1);
            }
            for (LoopMembers loop : targets) {
                loop.pending.addLast(publish);
            }
        }
        for (LoopMembers loop : targets) {
            loop.scheduleDrain();
        }
        return receivers;
    }

    /** Forgets an event loop that has no members and nothing queued; called on that event loop. */
    void dropIfIdle(LoopMembers loop) {
        synchronized (lock) {
            if (loop.memberCount == 0 && loop.pending.isEmpty() && loopsByExecutor.get(loop.executor) == loop) {
                forget(loop);
            }
        }
    }

    /**
     * Gives up on an event loop that refused a task (it is shutting down with its channels): releases what was
     * queued for it and queues nothing more there.
     */
    void abandon(LoopMembers loop) {
        synchronized (lock) {
            if (loopsByExecutor.get(loop.executor) == loop) {
                forget(loop);
            }
            loop.abandoned = true;
            loop.releasePending();
        }
    }

    // Holding lock.
    private void forget(LoopMembers loop) {
        loopsByExecutor.remove(loop.executor);
        loops = Arrays.stream(loops).filter(l -> l != loop).toArray(LoopMembers[]::new);
    }
}
