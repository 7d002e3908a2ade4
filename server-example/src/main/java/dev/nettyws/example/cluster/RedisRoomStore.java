package dev.nettyws.example.cluster;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chat rooms shared by the nodes of a cluster through Redis (standalone or Redis Cluster): each room's messages in a
 * capped stream (its history, and the ids of its messages), live delivery to every node through the room's shard
 * channel, and presence with nicks unique across nodes (by a key the caller gives, {@link NickClaim}: the chat's
 * makes look-alike nicks one). The room is in the hash tag of all its keys and its channel, so one Redis Cluster
 * node holds it and every change to it is one atomic script there ({@link RoomKeys}).
 *
 * <p><b>Order and exactly-once.</b> A post appends to the stream and publishes on the channel in one script, so the
 * channel carries the room's messages in stream order, each with the id of the one before it. A node delivers a
 * message only when it follows the last one it delivered, drops those it already has, and fills any gap from the
 * stream ({@link RoomFeed}): every subscribed node delivers every message once, in the stream's order, across
 * reconnects. A message is lost for a node only when it fell out of the capped stream before the node could read it
 * ({@link RoomListener#onGap}).
 *
 * <p><b>Failures.</b> Every call fails within {@link RoomStoreConfig#commandTimeout()} with a
 * {@link RoomStoreException} when Redis is down, unreachable or stalled, and at once while the connection is down.
 * Lettuce reconnects by itself and subscribes again; the feeds then read what they missed.
 *
 * <p><b>Threads.</b> Every method may be called from any thread, event loops included: none blocks but
 * {@link #connect} and {@link #close}. Futures complete, and listeners are called, on Redis client threads: hand
 * the result to your own executor rather than doing slow work there.
 */
public final class RedisRoomStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisRoomStore.class);

    private final RoomStoreConfig config;
    private final RedisBackend redis;
    private final NodePresence presence;
    private final Map<String, RoomFeed> feedsByRoom = new ConcurrentHashMap<>();
    private final Map<String, RoomFeed> feedsByChannel = new ConcurrentHashMap<>();
    private final AtomicLong posts = new AtomicLong();
    private final ScheduledFuture<?> checks;
    private final long timeoutMillis;
    /** Redis's clock minus ours, in ms, from the replies of the heartbeats; for the deadline of a post. */
    private volatile long clockOffsetMillis;

    private RedisRoomStore(RoomStoreConfig config, RedisBackend redis) {
        this.config = config;
        this.redis = redis;
        this.timeoutMillis = config.commandTimeout().toMillis();
        this.presence = new NodePresence(this, config, redis);
        redis.pubSub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void smessage(String channel, String message) {
                RoomFeed feed = feedsByChannel.get(channel);
                if (feed != null) {
                    feed.onChannel(message);
                }
            }

            @Override
            public void ssubscribed(String channel, long count) {
                RoomFeed feed = feedsByChannel.get(channel);
                if (feed != null) {
                    feed.onConfirmed();
                }
            }
        });
        long interval = config.syncInterval().toMillis();
        this.checks = redis.resources().eventExecutorGroup().scheduleAtFixedRate(
            () -> feedsByRoom.values().forEach(RoomFeed::check), interval, interval, TimeUnit.MILLISECONDS);
    }

    /**
     * Connects to Redis and starts the node's timers. Blocks until connected: call it at startup, not on an event
     * loop.
     *
     * @param redisUris a Redis URI ({@code redis://host:port}, {@code rediss://} for TLS), or the comma-separated
     *     seed nodes of a Redis Cluster (a single URI of a cluster node works too)
     * @param config the node's settings
     * @return the store
     * @throws RoomStoreException if Redis cannot be reached
     */
    public static RedisRoomStore connect(String redisUris, RoomStoreConfig config) {
        RedisBackend redis = RedisBackend.connect(redisUris, config.connectTimeout(), config.commandTimeout());
        RedisRoomStore store = new RedisRoomStore(config, redis);
        try {
            store.measureClock().toCompletableFuture().join();
        } catch (CompletionException e) {
            store.close();
            throw new RoomStoreException("Redis does not answer: " + e.getCause().getMessage(), e.getCause());
        }
        return store;
    }

    /** This node's id in presence ({@link RoomStoreConfig#nodeId()}). */
    public String nodeId() {
        return config.nodeId();
    }

    /** Whether Redis is a Redis Cluster. */
    public boolean isCluster() {
        return redis.cluster;
    }

    /**
     * Posts a message: appends it to the room's history and delivers it to every node subscribed to the room
     * (this one included, through {@link RoomListener#onMessage}: do not deliver it yourself), or does neither.
     *
     * <p>The future fails with a {@link RoomStoreException} when Redis is unreachable, not connected or does not
     * answer within the command timeout; such a post is not accepted (Redis refuses a post that reaches it later than
     * four fifths of the timeout after it was made, so one that waited too long in a queue is not appended after its
     * caller was told it failed). One case stays ambiguous, as it must with any remote store: Redis ran the post and
     * then stopped before replying. The post is then in the history and delivered to every node although its future
     * failed; it is never delivered to some nodes only.
     *
     * @param room the room
     * @param body what to keep and deliver, unchanged (the chat's JSON, for instance)
     * @return completes with the message's id
     */
    public CompletionStage<String> post(String room, String body) {
        Objects.requireNonNull(body, "body");
        RoomKeys keys = keys(room);
        String token = config.nodeId() + ":" + posts.incrementAndGet();
        long deadline = deadline();
        return failClearly(RoomScript.POST.run(redis.commands, new String[] {keys.stream, keys.postToken(token)},
            keys.channel, body, Integer.toString(config.streamLength()), Long.toString(deadline),
            Long.toString(2 * timeoutMillis), Long.toString(config.roomLifetime().toMillis())), "post");
    }

    /**
     * Reads a room's history.
     *
     * @param room the room
     * @param afterId null for the newest {@code limit} messages; otherwise the messages after this id, the newest
     *     {@code limit} of them, with {@link HistoryPage#complete()} saying whether any between went missing
     * @param limit how many messages at most; positive
     * @return completes with the messages, oldest first
     * @throws IllegalArgumentException if {@code afterId} is not a message id
     */
    public CompletionStage<HistoryPage> history(String room, String afterId, int limit) {
        if (afterId != null) {
            StreamId.parse(afterId);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        return failClearly(range(keys(room), afterId == null ? "" : afterId, limit), "history");
    }

    /**
     * Subscribes this node to a room: the listener gets the newest {@code recent} messages, then every later
     * message exactly once and in order, and presence events. One listener per room and node.
     *
     * @param room the room
     * @param recent how many of the newest messages {@link RoomListener#onSubscribed} gets (0 for none)
     * @param listener called on Redis client threads, one call at a time for the room
     * @return completes once {@link RoomListener#onSubscribed} has been called
     * @throws IllegalStateException if the room is already subscribed
     */
    public CompletionStage<Void> subscribe(String room, int recent, RoomListener listener) {
        Objects.requireNonNull(listener, "listener");
        if (recent < 0) {
            throw new IllegalArgumentException("recent must be >= 0: " + recent);
        }
        RoomKeys keys = keys(room);
        int readLimit = 2 * config.streamLength() + 200;
        RoomFeed feed = new RoomFeed(keys, listener, new RoomFeed.Source() {
            @Override
            public CompletionStage<HistoryPage> range(RoomKeys roomKeys, String after, int limit) {
                return RedisRoomStore.this.range(roomKeys, after, limit);
            }

            @Override
            public void resubscribe(RoomFeed feed) {
                ssubscribe(feed);
            }
        }, recent, readLimit);
        if (feedsByRoom.putIfAbsent(room, feed) != null) {
            throw new IllegalStateException("already subscribed to " + room);
        }
        feedsByChannel.put(keys.channel, feed);
        ssubscribe(feed).whenComplete((ok, error) -> {
            if (error == null) {
                feed.start();
            } else {
                feed.fail(error);
            }
        });
        return failClearly(feed.started(), "subscribe").whenComplete((ok, error) -> {
            if (error != null) {
                feedsByRoom.remove(room, feed);
                feedsByChannel.remove(keys.channel, feed);
            }
        });
    }

    /** Stops delivering a room's events to this node. */
    public CompletionStage<Void> unsubscribe(String room) {
        RoomFeed feed = feedsByRoom.remove(room);
        if (feed == null) {
            return CompletableFuture.completedFuture(null);
        }
        feed.close();
        feedsByChannel.remove(feed.keys.channel, feed);
        return failClearly(redis.pubSub.async().sunsubscribe(feed.keys.channel), "unsubscribe");
    }

    /**
     * Claims a nick for a member of this node: the first of {@code candidates} such that no member of any node holds
     * a nick with its {@link NickClaim#key() key}, atomically, and announces the join to every node. The node renews
     * its lease in the room while it has members there; if it stops (it died), its members leave presence after the
     * lease, and their nicks and keys are free again.
     *
     * @param room the room
     * @param candidates nicks to try, in order (the one asked for, then variants)
     * @return completes with the nick claimed, or null when every candidate is taken
     */
    public CompletionStage<String> join(String room, List<NickClaim> candidates) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("no nick to try");
        }
        return failClearly(presence.join(keys(room), candidates), "join");
    }

    /**
     * Gives up a nick this node holds in the room, and its key, and announces the leave; completes with whether it
     * held it.
     */
    public CompletionStage<Boolean> leave(String room, NickClaim nick) {
        return failClearly(presence.leave(keys(room), nick), "leave");
    }

    /** The nicks in the room on every node, without those of dead nodes. */
    public CompletionStage<List<String>> members(String room) {
        RoomKeys keys = keys(room);
        return failClearly(RoomScript.MEMBERS.<List<Object>>run(redis.commands, new String[] {keys.nicks, keys.nodes,
            keys.nickKeys}, keys.channel).thenApply(RedisRoomStore::strings), "members");
    }

    /**
     * Leaves every room gracefully (members' nicks given up, so other nodes see them leave at once), then closes the
     * connections. Blocks for at most the command timeout.
     */
    @Override
    public void close() {
        try {
            presence.leaveAll().toCompletableFuture().get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("leaving the rooms on close failed; other nodes drop this node's members after its lease: {}",
                e.toString());
        }
        abandon();
    }

    /** Stops without a word, as a node that dies does: no leave; other nodes drop its members after the lease. */
    void abandon() {
        checks.cancel(false);
        presence.stop();
        feedsByRoom.values().forEach(RoomFeed::close);
        feedsByRoom.clear();
        feedsByChannel.clear();
        redis.close();
    }

    // For RoomFeed and NodePresence.

    CompletionStage<HistoryPage> range(RoomKeys keys, String after, int limit) {
        return RoomScript.RANGE.<List<Object>>run(redis.commands, new String[] {keys.stream}, after,
            Integer.toString(limit)).thenApply(reply -> page(keys.room, reply));
    }

    /** The listener of a subscribed room, or null. */
    RoomListener listener(String room) {
        RoomFeed feed = feedsByRoom.get(room);
        return feed == null ? null : feed.listener();
    }

    /**
     * When, in Redis's time, Redis refuses a post or join made now: a fifth of the command timeout before the caller
     * gives up on it, time enough for the reply to arrive and for the error of our estimate of Redis's clock. So a
     * call reported failed for a timeout has no effect later.
     */
    long deadline() {
        return System.currentTimeMillis() + clockOffsetMillis + timeoutMillis - timeoutMillis / 5;
    }

    /** Learns Redis's clock from a reply that carried it, sent at {@code sentAt} and received now. */
    void clock(long redisMillis, long sentAt) {
        long now = System.currentTimeMillis();
        clockOffsetMillis = redisMillis - (sentAt + now) / 2;
    }

    private CompletionStage<Void> measureClock() {
        long sentAt = System.currentTimeMillis();
        return redis.commands.time().thenAccept(time -> {
            long seconds = Long.parseLong(time.get(0));
            long micros = Long.parseLong(time.get(1));
            clock(seconds * 1000 + micros / 1000, sentAt);
        });
    }

    private CompletionStage<Void> ssubscribe(RoomFeed feed) {
        feed.expectConfirmation();
        return redis.pubSub.async().ssubscribe(feed.keys.channel);
    }

    private RoomKeys keys(String room) {
        return new RoomKeys(config.keyPrefix(), Objects.requireNonNull(room, "room"));
    }

    private static HistoryPage page(String room, List<Object> reply) {
        boolean complete = ((Long) reply.get(0)) == 1L;
        List<RoomMessage> messages = new ArrayList<>((reply.size() - 1) / 3);
        for (int i = 1; i + 2 < reply.size(); i += 3) {
            messages.add(new RoomMessage(room, (String) reply.get(i), (String) reply.get(i + 2)));
        }
        return new HistoryPage(messages, complete);
    }

    static List<String> strings(List<Object> reply) {
        List<String> out = new ArrayList<>(reply.size());
        for (Object item : reply) {
            out.add((String) item);
        }
        return out;
    }

    /** The same outcome, with Redis client failures turned into a {@link RoomStoreException} that says what failed. */
    private <T> CompletionStage<T> failClearly(CompletionStage<T> stage, String what) {
        CompletableFuture<T> result = new CompletableFuture<>();
        stage.whenComplete((value, error) -> {
            if (error == null) {
                result.complete(value);
            } else {
                result.completeExceptionally(clear(error, what));
            }
        });
        return result;
    }

    private Throwable clear(Throwable error, String what) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof RoomStoreException || cause instanceof IllegalArgumentException) {
            return cause;
        }
        String message = String.valueOf(cause.getMessage());
        if (cause instanceof RedisCommandTimeoutException) {
            return new RoomStoreException(what + ": Redis did not answer within " + timeoutMillis + " ms", cause);
        }
        if (message.startsWith("EXPIRED")) {
            return new RoomStoreException(what + ": Redis received it too late; it was not accepted", cause);
        }
        if (cause instanceof RedisException && message.contains("not connected")) {
            return new RoomStoreException(what + ": not connected to Redis", cause);
        }
        return new RoomStoreException(what + ": " + message, cause);
    }
}
