package dev.nettyws.example.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nettyws.example.ConnectionListener;
import dev.nettyws.testkit.UpgradeRequest;
import dev.nettyws.testkit.WebSocketServerTester;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Rooms bigger than the presence limit: no join or leave events, a presence list cut at the limit with the count. */
class LargeRoomTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ChatSettings settings = ChatSettings.DEFAULT.withPresenceLimit(2);
    private final ChatRooms rooms = new ChatRooms(settings);
    private final List<WebSocketServerTester> members = new ArrayList<>();

    @AfterEach
    void closeAll() {
        members.forEach(WebSocketServerTester::close);
    }

    private WebSocketServerTester join(String nick) {
        WebSocketServerTester ws = WebSocketServerTester.create(settings.serverConfig(),
            ChatHandler.factory(rooms, ConnectionListener.NONE));
        members.add(ws);
        ws.handshake(UpgradeRequest.to("/chat?room=big&nick=" + nick));
        return ws;
    }

    private static JsonNode read(WebSocketServerTester ws) {
        try {
            return JSON.readTree(ws.readText());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Reads welcome and history, returns the presence event. */
    private static JsonNode presenceOnJoin(WebSocketServerTester ws) {
        assertEquals("welcome", read(ws).get("type").asText());
        assertEquals("history", read(ws).get("type").asText());
        JsonNode presence = read(ws);
        assertEquals("presence", presence.get("type").asText());
        return presence;
    }

    @Test
    void joinsAreAnnouncedUpToTheLimitAndPresenceIsCutAtItWithTheCount() {
        WebSocketServerTester alice = join("alice");
        assertEquals("{\"type\":\"presence\",\"nicks\":[\"alice\"],\"count\":1}", presenceOnJoin(alice).toString());
        WebSocketServerTester bob = join("bob");
        assertEquals("{\"type\":\"join\",\"nick\":\"bob\"}", read(alice).toString());
        assertEquals("{\"type\":\"presence\",\"nicks\":[\"alice\",\"bob\"],\"count\":2}",
            presenceOnJoin(bob).toString());

        WebSocketServerTester carol = join("carol");
        assertEquals("{\"type\":\"presence\",\"nicks\":[\"alice\",\"bob\"],\"count\":3}",
            presenceOnJoin(carol).toString());
        carol.sendText("{\"type\":\"message\",\"text\":\"hi\"}");
        for (WebSocketServerTester ws : List.of(alice, bob, carol)) {
            JsonNode next = read(ws);
            assertEquals("message", next.get("type").asText(), "no join for carol before her message: " + next);
            assertEquals("carol", next.get("nick").asText());
        }

        carol.sendClose(1000, "");
        carol.assertClosed(1000);
        bob.sendText("{\"type\":\"message\",\"text\":\"still here\"}");
        JsonNode next = read(alice);
        assertEquals("message", next.get("type").asText(), "no leave from a room over the limit: " + next);
        assertEquals("still here", read(bob).get("text").asText());

        bob.sendClose(1000, "");
        bob.assertClosed(1000);
        assertEquals("{\"type\":\"leave\",\"nick\":\"bob\"}", read(alice).toString(),
            "a room within the limit announces leaves again");
    }
}
