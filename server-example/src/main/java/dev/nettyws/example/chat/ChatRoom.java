package dev.nettyws.example.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nettyws.frame.FrameEncoder;
import dev.nettyws.frame.TextFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;

/**
 * A chat room: its members, keyed by nick, and its last messages.
 *
 * <p><b>Threads and order.</b> Every change runs on one executor, the event loop of the connection that created the
 * room: {@link #join}, {@link #leave} and {@link #post} run at once when called on it and are queued otherwise. So a
 * room has one order of events, the same in its history and at every member: writes to a member's channel from
 * this one thread reach the member in the order they were made, whichever event loop the member is on. Sending
 * never waits for a member: a write to another event loop is queued there, so one slow member cannot hold up the
 * others; it only fills its own outbound buffer, which its connection handler bounds (the slow consumer limits of
 * {@link ChatSettings}).
 *
 * <p><b>Buffers.</b> An event for the whole room is encoded once into a WebSocket frame
 * ({@link FrameEncoder#encode}); each member gets a {@code retainedDuplicate()} of those bytes (released by its
 * transport), and the room releases its own reference after the loop. Members on other event loops are written to
 * by one task per event loop and event, which holds one more duplicate until it has run. Events for one member are
 * written as {@link TextFrame}s, which the member's encoder releases.
 */
final class ChatRoom {
    private final String name;
    private final EventExecutor executor;
    private final ChatSettings settings;
    private final Map<String, ChatMember> members = new LinkedHashMap<>();
    /** The members again, by event loop; arrays replaced on change, so that queued broadcasts keep theirs. */
    private final Map<EventExecutor, LoopMembers> membersByLoop = new LinkedHashMap<>();
    private final ArrayDeque<ObjectNode> history = new ArrayDeque<>();
    private final ArrayDeque<Runnable> pending = new ArrayDeque<>();
    private boolean running;
    /** Members and joins under way, counted by {@link ChatRooms} under its lock. */
    private int reservations;
    private long lastUse;

    ChatRoom(String name, EventExecutor executor, ChatSettings settings) {
        this.name = name;
        this.executor = executor;
        this.settings = settings;
    }

    String name() {
        return name;
    }

    int reservations() {
        return reservations;
    }

    void reservations(int count) {
        reservations = count;
    }

    long lastUse() {
        return lastUse;
    }

    void lastUse(long nanos) {
        lastUse = nanos;
    }

    /**
     * Adds a member: it gets a welcome with its nick, the history and the presence list; the others a join unless
     * the room is bigger than the presence limit.
     */
    void join(ChatMember member) {
        run(() -> {
            String nick = uniqueNick(member.requestedNick());
            member.nick(nick);
            members.put(nick, member);
            addByLoop(member);
            Channel channel = member.channel();
            send(channel, ChatJson.welcome(name, nick));
            send(channel, ChatJson.history(history));
            send(channel, ChatJson.presence(members.keySet(), settings.presenceLimit()));
            if (members.size() <= settings.presenceLimit()) {
                broadcast(ChatJson.join(nick), member);
            }
        });
    }

    /**
     * Removes a member and tells the others unless the room was bigger than the presence limit. Does nothing if it
     * is not in the room.
     */
    void leave(ChatMember member) {
        run(() -> {
            String nick = member.nick();
            if (nick != null && members.get(nick) == member) {
                boolean announced = members.size() <= settings.presenceLimit();
                members.remove(nick);
                removeByLoop(member);
                if (announced) {
                    broadcast(ChatJson.leave(nick), null);
                }
            }
        });
    }

    /** Sends a message from a member to every member, itself included, and keeps it in the history. */
    void post(ChatMember member, String text, long timestamp) {
        run(() -> {
            String nick = member.nick();
            if (nick == null || members.get(nick) != member) {
                return;
            }
            ObjectNode message = ChatJson.message(name, nick, text, timestamp);
            if (settings.history() > 0) {
                if (history.size() == settings.history()) {
                    history.removeFirst();
                }
                history.addLast(message);
            }
            broadcast(message, null);
        });
    }

    /** The nicks in the room; on the room's executor only (tests). */
    List<String> nicks() {
        return new ArrayList<>(members.keySet());
    }

    /**
     * Runs a task on the room's executor, after the tasks before it. A task started while another runs (a write in
     * a broadcast can close a slow member, whose leave comes back here) waits until that one is done.
     */
    private void run(Runnable task) {
        if (!executor.inEventLoop()) {
            executor.execute(() -> run(task));
            return;
        }
        pending.addLast(task);
        if (running) {
            return;
        }
        running = true;
        try {
            for (Runnable next; (next = pending.pollFirst()) != null; ) {
                next.run();
            }
        } finally {
            running = false;
        }
    }

    /** The nick asked for, or the first of {@code nick-2}, {@code nick-3}... that is free. */
    private String uniqueNick(String requested) {
        if (!members.containsKey(requested)) {
            return requested;
        }
        for (int suffix = 2; ; suffix++) {
            String tail = "-" + suffix;
            int keep = ChatNames.MAX_NICK_LENGTH - tail.length();
            String base = requested.codePointCount(0, requested.length()) > keep
                ? requested.substring(0, requested.offsetByCodePoints(0, keep)) : requested;
            String candidate = base + tail;
            if (!members.containsKey(candidate)) {
                return candidate;
            }
        }
    }

    private static void send(Channel channel, ObjectNode event) {
        channel.writeAndFlush(TextFrame.of(channel.alloc(), ChatJson.toText(event)));
    }

    /**
     * Encodes the event once and writes the same bytes to every member except {@code except}. Members on this
     * thread's event loop are written to at once; for each other event loop one task writes to all of its members,
     * instead of one task per member and write. Each member is flushed once after the run of broadcasts its event
     * loop has queued ({@link LoopMembers}), not once per message.
     */
    private void broadcast(ObjectNode event, ChatMember except) {
        if (members.isEmpty() || members.size() == 1 && except != null) {
            return;
        }
        ByteBufAllocator alloc = members.values().iterator().next().channel().alloc();
        ByteBuf wire = FrameEncoder.encode(alloc, TextFrame.of(alloc, ChatJson.toText(event)));
        try {
            for (LoopMembers loop : membersByLoop.values()) {
                ChatMember[] targets = loop.members;
                if (loop.executor.inEventLoop()) {
                    loop.write(targets, wire, except);
                    continue;
                }
                ByteBuf forLoop = wire.retainedDuplicate();
                try {
                    loop.executor.execute(() -> {
                        try {
                            loop.write(targets, forLoop, except);
                        } finally {
                            forLoop.release();
                        }
                    });
                } catch (RejectedExecutionException e) {
                    // The event loop is shutting down with its channels; nothing to deliver.
                    forLoop.release();
                }
            }
        } finally {
            wire.release();
        }
    }

    private void addByLoop(ChatMember member) {
        EventExecutor executor = member.channel().eventLoop();
        LoopMembers loop = membersByLoop.computeIfAbsent(executor, LoopMembers::new);
        ChatMember[] grown = Arrays.copyOf(loop.members, loop.members.length + 1);
        grown[loop.members.length] = member;
        loop.members = grown;
    }

    private void removeByLoop(ChatMember member) {
        LoopMembers loop = membersByLoop.get(member.channel().eventLoop());
        if (loop == null) {
            return;
        }
        ChatMember[] shrunk = Arrays.stream(loop.members).filter(m -> m != member).toArray(ChatMember[]::new);
        if (shrunk.length == 0) {
            membersByLoop.remove(loop.executor);
        } else {
            loop.members = shrunk;
        }
    }
}
