package dev.nettyws.example.chat.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.example.cluster.RedisCluster;
import dev.nettyws.example.cluster.RedisServer;
import dev.nettyws.example.cluster.RedisServers;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

    /**
     * One master of three paused (SIGSTOP): a post to a room in its slots gets an error event and reaches nobody,
     * while a room on another master carries on; after SIGCONT the paused room recovers by itself, and its members
     * and its history have each accepted message once, none of the refused ones.
     */
    @Test
    void aPausedMasterStopsOnlyItsOwnRoomsThenRecovers() throws Exception {
        String paused = newRoom();
        String live = newRoom();
        RedisServer master = redis.masterOf(paused);
        while (redis.masterOf(live) == master) {
            live = newRoom();
        }
        try (ChatClient a = oursOn(0, paused, "a");
             ChatClient b = jdkOn(1, paused, "b");
             ChatClient c = oursOn(0, live, "c");
             ChatClient d = jdkOn(1, live, "d")) {
            a.say("before");
            assertEquals("before", b.next("message").get("text").asText());
            master.pause();
            try {
                a.say("refused");
                assertTrue(a.next("error").get("reason").asText().startsWith("message not sent"));
                c.say("live");
                assertEquals("live", d.next("message").get("text").asText(), "another master still serves");
            } finally {
                master.resume();
            }
            assertEquals("after", sayUntilAccepted(a, "after").get("text").asText());
            assertEquals("after", b.next("message").get("text").asText(), "nothing refused, nothing twice");
            try (ChatClient newcomer = new ChatClient.Jdk(jdk, ChatClient.uri(NODES.get(1).chat(), paused, "e"))) {
                newcomer.next("welcome");
                assertEquals(List.of("before", "after"), newcomer.history().messages().stream()
                    .map(m -> m.get("text").asText()).toList());
            }
        } finally {
            redis.awaitOk();
        }
    }
}
