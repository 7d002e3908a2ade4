package dev.nettyws.example.chat.it;

import dev.nettyws.example.cluster.RedisCluster;
import dev.nettyws.example.cluster.RedisServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link ClusterChatContract} on a real Redis Cluster of three masters: two server nodes, each room's keys in one
 * hash slot, delivered through sharded pub/sub.
 */
class RedisClusterChatTest extends ClusterChatContract {
    private static RedisCluster redis;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServers.cluster(3);
        startNodes(redis.uris(), 2);
    }

    @AfterAll
    static void stopRedis() throws Exception {
        stopNodes();
        if (redis != null) {
            redis.close();
        }
    }
}
