package dev.nettyws.example.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.cluster.SlotHash;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link RoomStoreContract} on a real local Redis Cluster of three masters (no replicas): rooms spread over the
 * masters, faults hit the master of the room under test, and the other masters keep serving their rooms meanwhile.
 */
@Timeout(120)
class ClusterRoomStoreTest extends RoomStoreContract {
    private static RedisCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = RedisServers.cluster(3, "--appendonly", "yes", "--appendfsync", "always");
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A fault test leaves the cluster healthy for the next one (a paused or restarted master rejoins). */
    @AfterEach
    void awaitHealthy() throws Exception {
        cluster.awaitOk();
    }

    @Override
    String redisUris() {
        return cluster.uris();
    }

    @Override
    RedisServer serverOf(String room) throws Exception {
        return cluster.nodeFor(new RoomKeys("nettyws", room).stream);
    }

    /** Rooms whose keys are on different masters (as many as there are masters, then any). */
    @Override
    List<String> rooms(int count) throws Exception {
        List<String> rooms = new ArrayList<>();
        Set<Integer> masters = new HashSet<>();
        for (int tries = 0; rooms.size() < count && tries < 1000; tries++) {
            String room = randomRoom();
            if (masters.add(serverOf(room).port) || masters.size() == cluster.nodes.size()) {
                rooms.add(room);
            }
        }
        return rooms;
    }

    @Override
    void whilePaused(String room) throws Exception {
        String elsewhere = randomRoom();
        while (serverOf(elsewhere) == serverOf(room)) {
            elsewhere = randomRoom();
        }
        RedisRoomStore node = node();
        assertTrue(await(node.post(elsewhere, "still served")) != null, "a room on another master is still served");
    }

    @Test
    void aRoomsKeysAndChannelShareOneSlot() {
        RoomKeys keys = new RoomKeys("nettyws", "a{b}c");
        int slot = SlotHash.getSlot(keys.stream);
        for (String key : List.of(keys.nicks, keys.nickKeys, keys.nodes, keys.channel, keys.postToken("n:1"))) {
            assertTrue(SlotHash.getSlot(key) == slot, key);
        }
        assertTrue(keys.stream.startsWith("nettyws:{a%7Bb%7Dc}:"), "braces escaped, so the tag is the whole room");
    }
}
