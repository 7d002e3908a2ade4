package dev.nettyws.example.chat;

import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * A room that lives in this process: its members and their nicks ({@link RoomNicks}), its history with ids
 * ({@link RoomHistory}) and the fan-out to its members ({@link RoomMembers}).
 *
 * <p><b>Threads and order.</b> Every change runs on one executor, the event loop of the member that opened the
 * room: {@link #join}, {@link #leave} and {@link #post} run at once when called on it and are queued otherwise. So
 * the room has one order of events, the same in its history and at every member: deliveries to a member from this
 * one thread reach its executor in the order they were made. Sending never waits for a member: a delivery to
 * another event loop is queued there, so one slow member cannot hold up the others; it only fills its own queue,
 * which its transport bounds.
 *
 * <p>Holds no reference-counted buffer between calls (see {@link RoomMembers} for a broadcast's buffers).
 */
final class LocalRoom implements ChatRoom {
    private final String name;
    private final ChatSettings settings;
    /** The members by nick, in the order they joined (the presence list). */
    private final RoomNicks nicks = new RoomNicks();
    private final RoomMembers fanout = new RoomMembers();
    private final RoomHistory history;
    private final RoomTasks tasks;
    private final RoomMeters meters;

    LocalRoom(String name, EventExecutor executor, ChatSettings settings, RoomMeters meters) {
        this.name = name;
        this.settings = settings;
        this.meters = meters;
        this.history = new RoomHistory(settings.history(), settings.historyBytes());
        this.tasks = new RoomTasks(name, executor);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void join(ChatMember member, String since) {
        run(() -> {
            nicks.assign(member);
            String nick = member.nick();
            fanout.add(member);
            RoomHistory.Slice slice = history.after(since);
            JoinedRoom joined = new JoinedRoom(name, nick, slice.messages(), slice.complete(),
                ChatJson.presence(nicks.nicks(), settings.presenceLimit()));
            sendJoined(member, joined);
            if (nicks.size() <= settings.presenceLimit()) {
                fanout.broadcast(ChatJson.join(nick), member);
            }
        });
    }

    @Override
    public void leave(ChatMember member) {
        run(() -> {
            if (!RoomNicks.holds(member)) {
                return;
            }
            String nick = member.nick();
            boolean announced = nicks.size() <= settings.presenceLimit();
            nicks.release(member);
            fanout.remove(member);
            if (announced) {
                fanout.broadcast(ChatJson.leave(nick), null);
            }
        });
    }

    @Override
    public void post(ChatMember member, String text, long timestamp) {
        run(() -> {
            if (!RoomNicks.holds(member)) {
                return;
            }
            ChatEvent message = ChatJson.message(history.nextId(), name, member.nick(), text, timestamp);
            history.add(message);
            fanout.broadcast(message, null);
            meters.delivered(message, fanout.size(), timestamp);
        });
    }

    /** Gives a member what it gets on joining, on its executor (now if this is it; a task there otherwise). */
    static void sendJoined(ChatMember member, JoinedRoom joined) {
        ChatSubscriber subscriber = member.subscriber();
        if (subscriber.executor().inEventLoop()) {
            subscriber.joined(joined);
        } else {
            try {
                subscriber.executor().execute(() -> subscriber.joined(joined));
            } catch (RejectedExecutionException e) {
                // The member's event loop is shutting down with its connection.
            }
        }
    }

    /** The nicks in the room; on the room's executor only (tests). */
    List<String> nicks() {
        return new ArrayList<>(nicks.nicks());
    }

    /** Runs a task on the room's executor after those before it ({@link RoomTasks}). */
    private void run(Runnable task) {
        tasks.run(task);
    }
}
