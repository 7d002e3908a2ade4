package dev.nettyws.example.chat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.Objects;

/**
 * The meters of chat rooms, in a Micrometer registry: messages posted to the rooms, deliveries to members and their
 * bytes, the lag from a post to its delivery here ({@link LocalRoomStore} and {@link RedisChatRooms}); in cluster
 * mode also posts and their Redis round trip by outcome, messages lost to a gap and joins Redis refused.
 * Thread-safe (Micrometer's meters are).
 */
public final class RoomMeters {
    /** Meters that record nothing. */
    public static final RoomMeters NONE = new RoomMeters(new CompositeMeterRegistry());

    private final Timer postsAccepted;
    private final Timer postsFailed;
    private final Counter messages;
    private final Counter deliveries;
    private final Counter deliveredBytes;
    private final Timer lag;
    private final Counter gaps;
    private final Counter joinsRefused;

    /** Registers the meters in {@code registry}. */
    public RoomMeters(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        postsAccepted = Timer.builder("nettyws.redis.post").description("Posts and their Redis round trip")
            .tag("outcome", "accepted").publishPercentiles(0.5, 0.99).register(registry);
        postsFailed = Timer.builder("nettyws.redis.post").description("Posts and their Redis round trip")
            .tag("outcome", "failed").register(registry);
        messages = Counter.builder("nettyws.chat.messages").description("Messages posted to the rooms (cluster mode: "
            + "those the rooms' feeds brought this node, from every node)").register(registry);
        deliveries = Counter.builder("nettyws.chat.deliveries").description("Messages delivered to members here")
            .register(registry);
        deliveredBytes = Counter.builder("nettyws.chat.delivered").baseUnit("bytes")
            .description("JSON bytes of the messages delivered to members here").register(registry);
        lag = Timer.builder("nettyws.chat.delivery.lag").description("From a post (its node's clock) to its delivery "
            + "here").publishPercentiles(0.5, 0.99).register(registry);
        gaps = Counter.builder("nettyws.chat.gaps").description("Times messages fell out of a room's stream before "
            + "this node could read them").register(registry);
        joinsRefused = Counter.builder("nettyws.chat.joins.refused").description("Joins refused because Redis "
            + "failed").register(registry);
    }

    void post(long startNanos, boolean accepted) {
        (accepted ? postsAccepted : postsFailed).record(Duration.ofNanos(System.nanoTime() - startNanos));
    }

    void delivered(ChatEvent message, int members, long postedMillis) {
        messages.increment();
        deliveries.increment(members);
        deliveredBytes.increment((double) members * message.size());
        lag.record(Duration.ofMillis(Math.max(0, System.currentTimeMillis() - postedMillis)));
    }

    void gap() {
        gaps.increment();
    }

    void joinRefused() {
        joinsRefused.increment();
    }
}
