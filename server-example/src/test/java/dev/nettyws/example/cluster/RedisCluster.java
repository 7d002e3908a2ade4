package dev.nettyws.example.cluster;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** A local Redis Cluster of masters started by {@link RedisServers#cluster}; closing it stops every node. */
public final class RedisCluster implements AutoCloseable {
    final List<RedisServer> nodes;

    RedisCluster(List<RedisServer> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /** The seed list for Lettuce: every node's URI, comma-separated. */
    public String uris() {
        return nodes.stream().map(RedisServer::uri).collect(Collectors.joining(","));
    }

    /**
     * The master that holds {@code key}'s slot: the one that does not redirect a command on it. A paused node cannot
     * be asked: it is the one when every other redirects.
     */
    RedisServer nodeFor(String key) throws IOException {
        RedisServer paused = null;
        for (RedisServer node : nodes) {
            if (node.isPaused()) {
                paused = node;
            } else if (!node.command("TYPE", key).startsWith("-MOVED")) {
                return node;
            }
        }
        if (paused != null) {
            return paused;
        }
        throw new IOException("no node holds " + key);
    }

    /** The master that holds a chat room's keys (with the store's default key prefix). */
    public RedisServer masterOf(String room) throws IOException {
        return nodeFor(new RoomKeys(RoomStoreConfig.DEFAULT.keyPrefix(), room).stream);
    }

    /** Waits until every node reports {@code cluster_state:ok} (after the creation, or a node's restart). */
    public void awaitOk() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (RedisServer node : nodes) {
            while (!node.command("CLUSTER", "INFO").contains("cluster_state:ok")) {
                if (System.nanoTime() > deadline) {
                    throw new IOException(node + " is not ok: " + node.command("CLUSTER", "INFO"));
                }
                Thread.sleep(50);
            }
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (RedisServer node : nodes) {
            node.close();
        }
    }
}
