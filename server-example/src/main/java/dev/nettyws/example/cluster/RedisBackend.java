package dev.nettyws.example.cluster;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Lettuce connections of one node: one for commands and one for the rooms' shard channels, to a standalone
 * Redis or a Redis Cluster (decided by the server itself: {@code INFO cluster}). Lettuce reconnects both by itself
 * and subscribes again. Every command fails after the command timeout; a standalone node's commands fail at once
 * while its connection is down, a cluster's wait for the connection to their master (opened when first needed) up
 * to the timeout. A command that timed out is never sent after a reconnect.
 */
final class RedisBackend implements AutoCloseable {
    /** Commands waiting for a connection or a reply, at most, per connection: more are refused at once. */
    private static final int MAX_QUEUED = 50_000;

    final RedisClusterAsyncCommands<String, String> commands;
    final StatefulRedisPubSubConnection<String, String> pubSub;
    final boolean cluster;
    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final StatefulConnection<String, String> connection;

    private RedisBackend(ClientResources resources, AbstractRedisClient client, boolean cluster,
                         StatefulConnection<String, String> connection,
                         RedisClusterAsyncCommands<String, String> commands,
                         StatefulRedisPubSubConnection<String, String> pubSub) {
        this.resources = resources;
        this.client = client;
        this.cluster = cluster;
        this.connection = connection;
        this.commands = commands;
        this.pubSub = pubSub;
    }

    /**
     * Connects; blocks until both connections are up (at startup, not on an event loop).
     *
     * @param spec a Redis URI ({@code redis://host:port}, {@code rediss://...} for TLS), or several separated by
     *     commas: the seed nodes of a Redis Cluster. A single URI may name a cluster node too.
     * @param connectTimeout how long opening a connection may take, handshake included
     * @param timeout how long a command may take
     * @throws RoomStoreException if Redis cannot be reached
     */
    static RedisBackend connect(String spec, Duration connectTimeout, Duration timeout) {
        List<RedisURI> uris = parse(spec, connectTimeout);
        ClientResources resources = DefaultClientResources.create();
        try {
            boolean cluster = uris.size() > 1 || isClusterNode(resources, uris.get(0), connectTimeout);
            SocketOptions socket = SocketOptions.builder().connectTimeout(connectTimeout).keepAlive(true).build();
            TimeoutOptions timeouts = TimeoutOptions.enabled(timeout);
            if (cluster) {
                RedisClusterClient client = RedisClusterClient.create(resources, uris);
                // The connection to each master opens when first needed; a command waits for it (at most the command
                // timeout) instead of being rejected, as it would be with REJECT_COMMANDS.
                client.setOptions(ClusterClientOptions.builder()
                    .socketOptions(socket)
                    .timeoutOptions(timeouts)
                    .requestQueueSize(MAX_QUEUED)
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enableAllAdaptiveRefreshTriggers()
                        .enablePeriodicRefresh(Duration.ofSeconds(30))
                        .build())
                    .build());
                try {
                    var connection = client.connect(StringCodec.UTF8);
                    return new RedisBackend(resources, client, true, connection, connection.async(),
                        client.connectPubSub(StringCodec.UTF8));
                } catch (RuntimeException e) {
                    client.shutdown();
                    throw e;
                }
            }
            RedisClient client = RedisClient.create(resources, uris.get(0));
            client.setOptions(ClientOptions.builder()
                .socketOptions(socket)
                .timeoutOptions(timeouts)
                .requestQueueSize(MAX_QUEUED)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .build());
            try {
                StatefulRedisConnection<String, String> connection = client.connect(StringCodec.UTF8);
                return new RedisBackend(resources, client, false, connection, connection.async(),
                    client.connectPubSub(StringCodec.UTF8));
            } catch (RuntimeException e) {
                client.shutdown();
                throw e;
            }
        } catch (RuntimeException e) {
            resources.shutdown(0, 2, TimeUnit.SECONDS);
            throw new RoomStoreException("cannot connect to Redis at " + spec + ": " + e.getMessage(), e);
        }
    }

    /** Whether the server is a node of a Redis Cluster. */
    private static boolean isClusterNode(ClientResources resources, RedisURI uri, Duration timeout) {
        RedisClient probe = RedisClient.create(resources, uri);
        probe.setOptions(ClientOptions.builder()
            .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
            .timeoutOptions(TimeoutOptions.enabled(timeout))
            .autoReconnect(false)
            .build());
        try (StatefulRedisConnection<String, String> connection = probe.connect(StringCodec.UTF8)) {
            return connection.sync().info("cluster").contains("cluster_enabled:1");
        } finally {
            probe.shutdown(Duration.ZERO, timeout);
        }
    }

    private static List<RedisURI> parse(String spec, Duration connectTimeout) {
        List<RedisURI> uris = new ArrayList<>();
        for (String part : spec.split(",")) {
            if (!part.isBlank()) {
                RedisURI uri = RedisURI.create(part.strip());
                // Bounds the connection handshake (HELLO), one minute by default: a stalled server must not hold a
                // (re)connect, or the discovery of a cluster's topology, that long.
                uri.setTimeout(connectTimeout);
                uris.add(uri);
            }
        }
        if (uris.isEmpty()) {
            throw new IllegalArgumentException("no Redis URI in '" + spec + "'");
        }
        return uris;
    }

    /** Lettuce's scheduler threads, for the node's timers (heartbeats, checks). */
    ClientResources resources() {
        return resources;
    }

    @Override
    public void close() {
        // Closes both connections.
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
