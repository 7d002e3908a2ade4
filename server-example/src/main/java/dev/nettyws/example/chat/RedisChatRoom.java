package dev.nettyws.example.chat;

import dev.nettyws.example.cluster.HistoryPage;
import dev.nettyws.example.cluster.NickClaim;
import dev.nettyws.example.cluster.RedisRoomStore;
import dev.nettyws.example.cluster.RoomListener;
import dev.nettyws.example.cluster.RoomMessage;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A room shared by the nodes of a cluster through Redis ({@link RedisRoomStore}): its history, message ids, nicks
 * and presence live in Redis; this node keeps its own members, the fan-out to them ({@link RoomMembers}, one
 * encoding per event for all of them) and a copy of the last messages ({@link NodeHistory}).
 *
 * <p><b>Order.</b> A post goes to Redis only; the node delivers it, like every other node, when the room's feed
 * brings it, exactly once and in the stream's order ({@link RoomListener}). Everything runs on one executor, the
 * event loop of the member that opened the room here: feed events, joins and leaves are queued there in the order
 * they happen, so a member gets the history up to some message and then every later message, each once.
 *
 * <p><b>Joining.</b> The nick is claimed in Redis, unique across nodes by its {@link ChatNames#key key} (so two
 * look-alike nicks are one, even claimed on two nodes at once): the one asked for, else the first free of
 * {@code nick#2}, {@code nick#3}... up to {@code nick#16}; then the member gets the messages after its
 * {@code since} from the node's copy.
 * A {@code since} that this node has not delivered yet (the client came from a node whose feed is ahead) makes the
 * join wait until the feed passes it, at most {@value #CATCH_UP_SECONDS} s.
 *
 * <p><b>Failures.</b> A post Redis does not accept gets an error event for its sender and reaches nobody; a join
 * that cannot claim a nick is {@link ChatSubscriber#refused refused} (WebSocket: 1013, and the page comes back with
 * {@code since}). Presence comes from Redis's join and leave events and is read again after every resync.
 */
final class RedisChatRoom implements ChatRoom {
    private static final Logger LOG = LoggerFactory.getLogger(RedisChatRoom.class);
    /** How long a join waits for this node's feed to reach the {@code since} the client brought. */
    static final int CATCH_UP_SECONDS = 12;
    /** Nicks tried per join: the one asked for and that many suffixed forms. */
    private static final int SUFFIXES = 15;

    private final String name;
    private final EventExecutor executor;
    private final ChatSettings settings;
    private final RedisRoomStore store;
    private final RoomMeters meters;
    /** This node's members, by nick. */
    private final Map<String, ChatMember> members = new HashMap<>();
    /** Members whose nick claim is under way; a member that leaves meanwhile gives its nick back once claimed. */
    private final Map<ChatMember, Boolean> claiming = new IdentityHashMap<>();
    /** Members waiting for the feed to reach their {@code since}. */
    private final List<Waiting> waiting = new ArrayList<>();
    /** Joins that came before the room was subscribed here. */
    private final List<Waiting> beforeReady = new ArrayList<>();
    private final RoomMembers fanout = new RoomMembers();
    private final NodeHistory history;
    /** Every node's members, in the order this node heard of them. */
    private final ClusterPresence presence = new ClusterPresence();
    private final RoomTasks tasks;
    private boolean ready;
    private boolean subscribing;
    private boolean closed;

    /** A join waiting for the room or the feed. */
    private record Waiting(ChatMember member, String since, ScheduledFuture<?> timeout) {
    }

    RedisChatRoom(String name, EventExecutor executor, ChatSettings settings, RedisRoomStore store, RoomMeters meters) {
        this.name = name;
        this.executor = executor;
        this.settings = settings;
        this.store = store;
        this.meters = meters;
        this.tasks = new RoomTasks(name, executor);
        this.history = new NodeHistory(Math.max(1, settings.history()), settings.historyBytes());
        run(this::subscribe);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void join(ChatMember member, String since) {
        run(() -> {
            if (!ready) {
                beforeReady.add(new Waiting(member, since, null));
                subscribe();
                return;
            }
            List<NickClaim> candidates = new ArrayList<>(SUFFIXES + 1);
            for (int i = 1; i <= SUFFIXES + 1; i++) {
                candidates.add(claimOf(i == 1 ? member.requestedNick()
                    : member.requestedNick() + ChatNames.SUFFIX_SEPARATOR + i));
            }
            claiming.put(member, Boolean.TRUE);
            store.join(name, candidates).whenComplete((nick, error) -> run(() -> claimed(member, since, nick, error)));
        });
    }

    private void claimed(ChatMember member, String since, String nick, Throwable error) {
        if (claiming.remove(member) == null) {
            // Left while claiming.
            if (nick != null) {
                store.leave(name, claimOf(nick));
            }
            return;
        }
        if (error != null) {
            meters.joinRefused();
            refuse(member, "cannot join now: " + reason(error));
            return;
        }
        if (nick == null) {
            refuse(member, "every form of this nick is taken");
            return;
        }
        NickClaim claim = claimOf(nick);
        if (closed) {
            store.leave(name, claim);
            refuse(member, "the room closed");
            return;
        }
        member.assign(nick);
        members.put(nick, member);
        if (since != null && history.isAhead(since)) {
            ScheduledFuture<?> timeout = executor.schedule(() -> run(() -> admitWaiting(member, true)),
                CATCH_UP_SECONDS, TimeUnit.SECONDS);
            waiting.add(new Waiting(member, since, timeout));
            return;
        }
        admit(member, since);
    }

    /** Sends the member its history and presence and adds it to the fan-out; announces it here. */
    private void admit(ChatMember member, String since) {
        String nick = member.nick();
        fanout.add(member);
        if (presence.add(nick) && presence.size() <= settings.presenceLimit()) {
            fanout.broadcast(ChatJson.join(nick), member);
        }
        RoomHistory.Slice slice = history.after(since);
        LocalRoom.sendJoined(member, new JoinedRoom(name, nick, slice.messages(), slice.complete(),
            ChatJson.presence(presence.nicks(), settings.presenceLimit())));
    }

    /** Admits a waiting member: its since was reached, or (timedOut) it was not, and it gets what is here. */
    private void admitWaiting(ChatMember member, boolean timedOut) {
        for (int i = 0; i < waiting.size(); i++) {
            Waiting w = waiting.get(i);
            if (w.member == member) {
                waiting.remove(i);
                w.timeout.cancel(false);
                // An id never reached is not one of this room's: the member gets everything, incomplete.
                admit(member, timedOut ? "" : w.since);
                return;
            }
        }
    }

    @Override
    public void leave(ChatMember member) {
        run(() -> {
            if (claiming.remove(member) != null || beforeReady.removeIf(w -> w.member == member)) {
                return;
            }
            String nick = member.nick();
            if (nick == null || members.get(nick) != member) {
                return;
            }
            forget(member, nick);
            // Other nodes hear of it from Redis; here at once (the event from Redis then finds it gone).
            announceLeave(nick);
            store.leave(name, claimOf(nick));
        });
    }

    /** Takes a member out of this node's room: it no longer holds {@code nick}, gets nothing, and cannot post. */
    private void forget(ChatMember member, String nick) {
        members.remove(nick);
        waiting.removeIf(w -> {
            if (w.member == member) {
                w.timeout.cancel(false);
                return true;
            }
            return false;
        });
        member.assign(null);
        fanout.remove(member);
    }

    @Override
    public void post(ChatMember member, String text, long timestamp) {
        String nick = member.nick();
        if (nick == null) {
            return;
        }
        // Straight from the member's thread to Redis: one connection, so one member's posts keep their order.
        long start = System.nanoTime();
        store.post(name, RedisMessageBody.write(nick, text, timestamp)).whenComplete((id, error) -> {
            meters.post(start, error == null);
            if (error != null) {
                tell(member, ChatJson.error("message not sent: " + reason(error)));
            }
        });
    }

    @Override
    public void close() {
        // At once, not queued: the room may be opened again here (on another executor) right after.
        store.unsubscribe(name);
        run(() -> {
            closed = true;
            ready = false;
        });
    }

    /** Subscribes this node to the room, once; joins wait for it. */
    private void subscribe() {
        if (ready || subscribing || closed) {
            return;
        }
        subscribing = true;
        CompletionStage<Void> subscription;
        try {
            subscription = store.subscribe(name, Math.max(1, settings.history()), new Listener());
        } catch (IllegalStateException e) {
            // The room's previous instance here is still unsubscribing.
            subscription = CompletableFuture.failedFuture(e);
        }
        subscription.thenCompose(ok -> store.members(name))
            .whenComplete((nicks, error) -> run(() -> subscribed(nicks, error)));
    }

    private void subscribed(List<String> nicks, Throwable error) {
        subscribing = false;
        List<Waiting> joins = new ArrayList<>(beforeReady);
        beforeReady.clear();
        if (closed) {
            // Closed while subscribing: close() unsubscribed before this subscription existed, so undo it here,
            // or the name would stay taken on this node and every later open of the room would fail.
            if (error == null) {
                store.unsubscribe(name);
            }
            joins.forEach(w -> refuse(w.member, "the room closed"));
            return;
        }
        if (error != null) {
            if (!(unwrap(error) instanceof IllegalStateException)) {
                // Subscribed, but the member list could not be read: start over with the next join. (An
                // IllegalStateException means another instance holds the subscription: leave it alone.)
                store.unsubscribe(name);
            }
            LOG.warn("cannot open room {} in Redis: {}", name, reason(error));
            // The next join tries again.
            joins.forEach(w -> refuse(w.member, "cannot join now: " + reason(error)));
            return;
        }
        ready = true;
        presence.reset(nicks, members.keySet());
        joins.forEach(w -> join(w.member, w.since));
    }

    private void refuse(ChatMember member, String reason) {
        ChatSubscriber subscriber = member.subscriber();
        execute(subscriber.executor(), () -> subscriber.refused(reason));
    }

    private static void tell(ChatMember member, ChatEvent event) {
        ChatSubscriber subscriber = member.subscriber();
        execute(subscriber.executor(), () -> subscriber.send(event));
    }

    private static void execute(EventExecutor executor, Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            // The member's event loop is shutting down with its connection.
        }
    }

    private void announceLeave(String nick) {
        boolean announced = presence.size() <= settings.presenceLimit();
        if (presence.remove(nick) && announced) {
            fanout.broadcast(ChatJson.leave(nick), null);
        }
    }

    /** A nick and the key that makes it unique in Redis: nicks that read the same share it. */
    private static NickClaim claimOf(String nick) {
        return new NickClaim(nick, ChatNames.key(nick));
    }

    static String reason(Throwable error) {
        return String.valueOf(unwrap(error).getMessage());
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    /** Runs a task on the room's executor after those before it ({@link RoomTasks}). */
    private void run(Runnable task) {
        tasks.run(task);
    }

    /** The room's feed from Redis, on Redis client threads: each event is handed to the room's executor. */
    private final class Listener implements RoomListener {
        @Override
        public void onSubscribed(String room, HistoryPage recent) {
            List<ChatEvent> events = new ArrayList<>(recent.messages().size());
            for (RoomMessage message : recent.messages()) {
                RedisMessageBody.Read read = RedisMessageBody.read(message);
                if (read != null) {
                    events.add(read.event());
                }
            }
            boolean full = recent.messages().size() >= Math.max(1, settings.history());
            run(() -> history.start(events, full));
        }

        @Override
        public void onMessage(RoomMessage message) {
            RedisMessageBody.Read read = RedisMessageBody.read(message);
            if (read == null) {
                return;
            }
            ChatEvent event = read.event();
            run(() -> {
                history.add(event);
                fanout.broadcast(event, null);
                meters.delivered(event, fanout.size(), read.postedMillis());
                for (Waiting w : List.copyOf(waiting)) {
                    if (!history.isAhead(w.since)) {
                        admitWaiting(w.member, false);
                    }
                }
            });
        }

        @Override
        public void onPresence(String room, String nick, boolean joined) {
            run(() -> {
                if (!joined) {
                    announceLeave(nick);
                } else if (presence.add(nick) && presence.size() <= settings.presenceLimit()) {
                    fanout.broadcast(ChatJson.join(nick), members.get(nick));
                }
            });
        }

        @Override
        public void onResync(String room) {
            store.members(name).whenComplete((nicks, error) -> run(() -> {
                if (error == null) {
                    presence.reset(nicks, members.keySet());
                    fanout.broadcast(ChatJson.presence(presence.nicks(), settings.presenceLimit()), null);
                }
            }));
        }

        @Override
        public void onGap(String room) {
            meters.gap();
            run(() -> fanout.broadcast(ChatJson.error(
                "this server was cut off from Redis too long: some messages of the room were not delivered here"),
                null));
        }

        @Override
        public void onNickLost(String room, String nick) {
            run(() -> {
                ChatMember member = members.get(nick);
                if (member != null) {
                    // The nick is someone else's now: this member must not post under it while it is refused.
                    forget(member, nick);
                    refuse(member, "your nick was taken while this server was cut off from Redis");
                }
            });
        }
    }
}
