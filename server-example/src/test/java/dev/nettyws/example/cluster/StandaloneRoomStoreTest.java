package dev.nettyws.example.cluster;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/** {@link RoomStoreContract} on one real {@code redis-server}. */
@Timeout(120)
class StandaloneRoomStoreTest extends RoomStoreContract {
    private static RedisServer server;

    @BeforeAll
    static void startRedis() throws Exception {
        server = RedisServers.standalone("--appendonly", "yes", "--appendfsync", "always");
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Override
    String redisUris() {
        return server.uri();
    }

    @Override
    RedisServer serverOf(String room) {
        return server;
    }

    @Override
    List<String> rooms(int count) {
        List<String> rooms = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rooms.add(randomRoom());
        }
        return rooms;
    }
}
