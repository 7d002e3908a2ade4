package dev.nettyws.example.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.nettyws.example.ConnectionListener;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.protocol.ConnectionConfig;
import dev.nettyws.protocol.WebSocketSession;
import dev.nettyws.testkit.UpgradeRequest;
import dev.nettyws.testkit.WebSocketServerTester;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The chat logic through the test kit: each member is a {@link WebSocketServerTester} on the real {@code /chat}
 * pipeline ({@link ChatSettings#serverConfig()}), all sharing one {@link ChatRooms}. Joining, leaving, history,
 * presence, errors and limits.
 */
class ChatHandlerTest {
    private static final long NOW = 1_700_000_000_000L;

    private final List<WebSocketServerTester> members = new ArrayList<>();

    /**
     * A broadcast is allocated on one member's channel and shared by every member, so every connection ends and
     * every queue is emptied before any member's leak check.
     */
    @AfterEach
    void endEveryConnection() {
        for (WebSocketServerTester ws : members) {
            if (ws.channel().isOpen()) {
                ws.dropConnection();
            }
        }
        members.forEach(ws -> ws.channel().releaseOutbound());
        AssertionError leak = null;
        for (WebSocketServerTester ws : members) {
            try {
                ws.close();
            } catch (AssertionError e) {
                if (leak == null) {
                    leak = e;
                } else {
                    leak.addSuppressed(e);
                }
            }
        }
        if (leak != null) {
            throw leak;
        }
    }

    /** The chat service of one test, with the clock at {@link #NOW}. */
    private static ChatRooms rooms(ChatSettings settings) {
        return new ChatRooms(settings, new LocalRoomStore(settings), () -> NOW);
    }

    /** A member connected to {@code /chat?QUERY}, after its handshake. */
    private WebSocketServerTester join(ChatRooms rooms, String query) {
        WebSocketServerTester ws = WebSocketServerTester.create(rooms.settings().serverConfig(),
            ChatHandler.factory(rooms, ConnectionListener.NONE));
        members.add(ws);
        ws.handshake(UpgradeRequest.to(ChatSettings.PATH + '?' + query));
        return ws;
    }

    private static void say(WebSocketServerTester ws, String text) {
        ws.sendText("{\"type\":\"message\",\"text\":" + ChatJson.toText(TextNode.valueOf(text)) + '}');
    }

    /** The next event written to {@code ws}. */
    private static JsonNode event(WebSocketServerTester ws) {
        return ChatJson.parse(ws.readText());
    }

    /** The next {@code count} events written to {@code ws}. */
    private static List<JsonNode> events(WebSocketServerTester ws, int count) {
        List<JsonNode> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(event(ws));
        }
        return events;
    }

    private static List<String> types(List<JsonNode> events) {
        return events.stream().map(event -> event.path("type").asText()).toList();
    }

    private static ByteBuf root(ByteBuf buf) {
        ByteBuf root = buf;
        while (root.unwrap() != null) {
            root = root.unwrap();
        }
        return root;
    }

    @Test
    void joiningGetsWelcomeEmptyHistoryAndPresence() {
        ChatRooms rooms = rooms(ChatSettings.DEFAULT);
        WebSocketServerTester alice = join(rooms, "room=kitchen&nick=alice");
        List<JsonNode> events = events(alice, 3);
        alice.assertNothingWritten();
        assertEquals(List.of("welcome", "history", "presence"), types(events));
        assertEquals("kitchen", events.get(0).get("room").asText());
        assertEquals("alice", events.get(0).get("nick").asText());
        assertEquals(0, events.get(1).get("messages").size());
        assertEquals("[\"alice\"]", events.get(2).get("nicks").toString());
    }

    @Test
    void othersHearOfAJoinAndTheJoinerSeesThemInPresence() {
        ChatRooms rooms = rooms(ChatSettings.DEFAULT);
        WebSocketServerTester alice = join(rooms, "nick=alice");
        events(alice, 3);
        WebSocketServerTester bob = join(rooms, "nick=bob");
        assertEquals("{\"type\":\"join\",\"nick\":\"bob\"}", event(alice).toString());
        alice.assertNothingWritten();
        List<JsonNode> bobSees = events(bob, 3);
        assertEquals("lobby", bobSees.get(0).get("room").asText(), "the default room");
        assertEquals("[\"alice\",\"bob\"]", bobSees.get(2).get("nicks").toString());
    }

    @Test
    void messageReachesEveryMemberOfItsRoomIncludingTheSenderAndNoOtherRoom() {
        ChatRooms rooms = rooms(ChatSettings.DEFAULT);
        WebSocketServerTester alice = join(rooms, "room=a&nick=alice");
        WebSocketServerTester bob = join(rooms, "room=a&nick=bob");
        WebSocketServerTester carol = join(rooms, "room=b&nick=carol");
        events(alice, 4);
        events(bob, 3);
        events(carol, 3);
        say(alice, "hi \"there\" \u00e9\ud83d\ude00");
        for (WebSocketServerTester ws : List.of(alice, bob)) {
            JsonNode msg = event(ws);
            ws.assertNothingWritten();
            assertEquals("message", msg.get("type").asText());
            assertEquals("a", msg.get("room").asText());
            assertEquals("alice", msg.get("nick").asText());
            assertEquals("hi \"there\" \u00e9\ud83d\ude00", msg.get("text").asText());
            assertEquals(NOW, msg.get("ts").asLong());
        }
        carol.assertNothingWritten();
    }

    @Test
    void broadcastIsEncodedOnceAndSharedByEveryMember() {
        ChatRooms rooms = rooms(ChatSettings.DEFAULT);
        WebSocketServerTester alice = join(rooms, "nick=alice");
        WebSocketServerTester bob = join(rooms, "nick=bob");
        events(alice, 4);
        events(bob, 3);
        say(alice, "once");
        // The room flushes each member once after a run of broadcasts, in a task on the member's event loop.
        bob.channel().runPendingTasks();
        // The transport's own buffers, before the kit copies them.
        ByteBuf toAlice = alice.channel().readOutbound();
        ByteBuf toBob = bob.channel().readOutbound();
        try {
            assertSame(root(toAlice), root(toBob), "both are duplicates of one encoded buffer");
            assertEquals(toAlice, toBob);
            assertEquals(2, root(toAlice).refCnt(), "one reference per member: the room released its own");
        } finally {
            toAlice.release();
            toBob.release();
        }
    }

    @Test
    void historyHoldsTheLastMessagesOfTheRoomInOrder() {
        ChatRooms rooms = rooms(ChatSettings.DEFAULT.withHistory(3).withRate(100, 100));
        WebSocketServerTester alice = join(rooms, "nick=alice");
        for (int i = 1; i <= 5; i++) {
            say(alice, "m" + i);
        }
        JsonNode history = events(join(rooms, "nick=bob"), 2).get(1);
        assertEquals("history", history.get("type").asText());
        List<String> texts = new ArrayList<>();
        history.get("messages").forEach(m -> texts.add(m.get("nick").asText() + ':' + m.get("text").asText()));
        assertEquals(List.of("alice:m3", "alice:m4", "alice:m5"), texts);
    }

    @Test
    void everyMessageCarriesAnIdIncreasingWithinItsRoom() {
        ChatRooms rooms = rooms(ChatSettings.DEFAULT.withRate(100, 100));
        WebSocketServerTester alice = join(rooms, "nick=alice");
        events(alice, 3);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            say(alice, "m" + i);
            ids.add(event(alice).get("id").asText());
        }
        for (int i = 1; i < ids.size(); i++) {
            assertTrue(ids.get(i - 1).compareTo(ids.get(i)) < 0, ids.get(i - 1) + " then " + ids.get(i));
        }
        JsonNode history = events(join(rooms, "nick=bob"), 2).get(1);
        assertEquals(ids.get(39), history.get("messages").get(39).get("id").asText(), "the history has the ids");
        assertTrue(history.get("complete").asBoolean(), "nothing fell out yet");
        assertFalse(history.has("more"));
    }

    @Test
    void joiningSinceAnIdGetsExactlyTheMessagesAfterItOrWhatIsLeftIncomplete() {
        ChatRooms rooms = rooms(ChatSettings.DEFAULT.withHistory(5).withRate(100, 100));
        WebSocketServerTester alice = join(rooms, "nick=alice");
        events(alice, 3);
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            say(alice, "m" + i);
            ids.add(event(alice).get("id").asText());
        }
        // m1..m3 fell out; m4..m8 are kept.
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put(ids.get(5), "true [m7, m8]");
        expected.put(ids.get(2), "true [m4, m5, m6, m7, m8]");
        expected.put(ids.get(7), "true []");
        expected.put(ids.get(1), "false [m4, m5, m6, m7, m8]");
        expected.put("zzzzzzzzzzzz-00000003", "false [m4, m5, m6, m7, m8]");
        expected.put("not-an-id", "false [m4, m5, m6, m7, m8]");
        for (Map.Entry<String, String> since : expected.entrySet()) {
            JsonNode history = events(join(rooms, "nick=bob&since=" + since.getKey()), 2).get(1);
            List<String> texts = new ArrayList<>();
            history.get("messages").forEach(m -> texts.add(m.get("text").asText()));
            assertEquals(since.getValue(), history.get("complete").asBoolean() + " " + texts, since.getKey());
        }
    }

    @Test
    void oneAddressMayBeInAtMostItsQuotaOfRoomsThenGets1013() {
        ChatRooms rooms = rooms(ChatSettings.DEFAULT);
        int quota = ChatSettings.DEFAULT.maxRoomsPerAddress();
        for (int i = 0; i < quota; i++) {
            assertEquals("welcome", event(join(rooms, "room=r" + i + "&nick=x")).get("type").asText());
        }
        WebSocketServerTester refused = join(rooms, "room=r" + quota + "&nick=x");
        assertEquals("too many rooms from your address", event(refused).get("reason").asText());
        refused.assertClosed(CloseStatus.TRY_AGAIN_LATER, "too many rooms from your address");
        assertEquals("welcome", event(join(rooms, "room=r0&nick=x")).get("type").asText(), "a room it is in");
    }

    @Test
    void peerDataCannotForgeALogLine() {
        ChatRooms rooms = rooms(ChatSettings.DEFAULT);
        PrintStream err = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            WebSocketServerTester alice = join(rooms, "nick=alice&x=\u001b[2J\u0007");
            events(alice, 3);
            alice.sendClose(1000, "bye\n[main] INFO FORGED admin logged in");
            alice.assertClosed(1000);
        } finally {
            System.setErr(err);
        }
        List<String> lines = log.toString(StandardCharsets.UTF_8).lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.contains("open ") && l.contains("x=\\u001B[2J\\u0007\"")),
            () -> String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.contains("reason=\"bye\\n[main] INFO FORGED admin logged in\"")),
            () -> String.join("\n", lines));
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("[main] INFO FORGED")), "no line of the peer's own");
        assertTrue(lines.stream().noneMatch(l -> l.indexOf('\u001b') >= 0 || l.indexOf('\u0007') >= 0));
    }

    @Test
    void leaveIsBroadcastWhenAConnectionCloses() {
        ChatRooms rooms = rooms(ChatSettings.DEFAULT);
        WebSocketServerTester alice = join(rooms, "nick=alice");
        WebSocketServerTester bob = join(rooms, "nick=bob");
        events(alice, 4);
        bob.dropConnection();
        assertEquals("{\"type\":\"leave\",\"nick\":\"bob\"}", event(alice).toString());
        alice.assertNothingWritten();
        WebSocketServerTester carol = join(rooms, "nick=carol");
        assertEquals("[\"alice\",\"carol\"]", events(carol, 3).get(2).get("nicks").toString());
    }

    @Test
    void duplicateNickGetsASuffixAndTheWelcomeSaysWhich() {
        ChatRooms rooms = rooms(ChatSettings.DEFAULT);
        join(rooms, "nick=alice");
        assertEquals("alice#2", event(join(rooms, "nick=alice")).get("nick").asText());
        assertEquals("alice#3", event(join(rooms, "nick=alice")).get("nick").asText());
        String longNick = "x".repeat(ChatNames.MAX_NICK_LENGTH);
        join(rooms, "nick=" + longNick);
        assertEquals(longNick + "#2", event(join(rooms, "nick=" + longNick)).get("nick").asText(),
            "the suffix comes on top of the longest nick, so it never makes two nicks one");
    }

    @Test
    void nicksThatReadTheSameAreOneNickAndASuffixedNickCannotBeAskedFor() {
        ChatRooms rooms = rooms(ChatSettings.DEFAULT);
        join(rooms, "nick=alice");
        // Case, a Cyrillic a (U+0430), a digit one for an l, a fullwidth a: the same nick to a reader.
        List<String> lookAlikes = List.of("Alice", "ALICE", "%D0%B0lice", "a1ice", "%EF%BD%81lice");
        List<String> assigned = new ArrayList<>();
        for (String nick : lookAlikes) {
            assigned.add(event(join(rooms, "nick=" + nick)).get("nick").asText());
        }
        assertEquals(List.of("Alice#2", "ALICE#3", "\u0430lice#4", "a1ice#5", "\uff41lice#6"), assigned);
        assertEquals("alice-2", event(join(rooms, "nick=alice-2")).get("nick").asText(),
            "a name with a dash is a name of its own: server suffixes use '#'");
        WebSocketServerTester forger = join(rooms, "nick=alice%232");
        assertEquals("error", event(forger).get("type").asText());
        forger.assertClosed(CloseStatus.POLICY_VIOLATION);
    }

    @Test
    void sameNickInAnotherRoomIsNotADuplicate() {
        ChatRooms rooms = rooms(ChatSettings.DEFAULT);
        join(rooms, "room=a&nick=alice");
        assertEquals("alice", event(join(rooms, "room=b&nick=alice")).get("nick").asText());
    }

    @Test
    void missingOrInvalidNickOrRoomIsRefusedWithAnErrorAndClose1008() {
        ChatRooms rooms = rooms(ChatSettings.DEFAULT);
        for (String query : List.of("room=a", "nick=", "nick=a%20b", "nick=%3Cscript%3E",
                "nick=" + "n".repeat(ChatNames.MAX_NICK_LENGTH + 1), "nick=ok&room=bad%2Froom")) {
            WebSocketServerTester ws = join(rooms, query);
            JsonNode error = event(ws);
            assertEquals("error", error.get("type").asText(), query);
            ws.assertClosed(CloseStatus.POLICY_VIOLATION, error.get("reason").asText());
            ws.assertNothingWritten();
        }
        assertEquals(0, rooms.size(), "no room was created for a refused join");
    }

    @Test
    void badInputGetsAnErrorAndTheConnectionStaysOpen() {
        ChatRooms rooms = rooms(ChatSettings.DEFAULT.withMaxTextBytes(10));
        WebSocketServerTester alice = join(rooms, "nick=alice");
        events(alice, 3);
        List<String> inputs = List.of("not json", "[1,2]", "{\"text\":\"x\"}", "{\"type\":\"dance\"}",
            "{\"type\":\"message\"}", "{\"type\":\"message\",\"text\":\"   \"}",
            "{\"type\":\"message\",\"text\":\"" + "\u00e9".repeat(6) + "\"}",
            // Strict JSON: nothing after the object, no key twice.
            "{\"type\":\"message\",\"text\":\"a\"} trailing", "{\"type\":\"message\",\"text\":\"a\"}{}",
            "{\"type\":\"message\",\"text\":\"a\",\"text\":\"b\"}",
            // Blank in Unicode: ideographic space, zero-width space and joiner, BOM, Hangul filler, braille blank.
            "{\"type\":\"message\",\"text\":\"\u3000\u200b\u200d\ufeff\u3164\u2800\u00a0\"}",
            "{\"type\":\"message\",\"text\":\"\\u3000\\u200B\"}",
            "{\"type\":\"message\",\"text\":\"a\\ud800\"}",
            // Counted as sent: two letters and two control characters are 2 + 12 bytes with JSON's escapes.
            "{\"type\":\"message\",\"text\":\"ab\\u0001\\u0001\"}");
        List<String> reasons = List.of("malformed JSON", "expected a JSON object", "missing \"type\"",
            "unknown type \"dance\"", "missing \"text\"", "empty text", "text too long: 12 bytes, at most 10",
            "malformed JSON", "malformed JSON", "malformed JSON", "empty text", "empty text",
            "text is not valid Unicode", "text too long: 14 bytes, at most 10");
        for (int i = 0; i < inputs.size(); i++) {
            alice.advanceTime(Duration.ofSeconds(1)); // a strike back: errors at this pace are no flood
            alice.sendText(inputs.get(i));
            JsonNode error = event(alice);
            alice.assertNothingWritten();
            assertEquals("error", error.get("type").asText(), inputs.get(i));
            assertEquals(reasons.get(i), error.get("reason").asText());
        }
        alice.sendBinary(new byte[] {1});
        assertEquals("binary messages are not supported", event(alice).get("reason").asText());
        alice.assertChannelOpen();
        say(alice, "fine");
        assertEquals("message", event(alice).get("type").asText(), "still in the room");
    }

    @Test
    void messagesBeyondTheRateLimitAreDroppedWithAnError() {
        ChatRooms rooms = rooms(ChatSettings.DEFAULT.withRate(2, 3));
        WebSocketServerTester alice = join(rooms, "nick=alice");
        events(alice, 3);
        for (int i = 0; i < 4; i++) {
            say(alice, "m" + i);
        }
        List<JsonNode> events = events(alice, 4);
        alice.assertNothingWritten();
        assertEquals(List.of("message", "message", "message", "error"), types(events));
        assertEquals("rate limit exceeded: message dropped", events.get(3).get("reason").asText());
        alice.advanceTime(Duration.ofMillis(500));
        say(alice, "after a pause");
        assertEquals("after a pause", event(alice).get("text").asText(), "one token back after 0.5 s");
        alice.assertChannelOpen();
    }

    @Test
    void clientThatKeepsFloodingIsClosedWith1008() {
        ChatRooms rooms = rooms(ChatSettings.DEFAULT.withRate(1, 1));
        WebSocketServerTester alice = join(rooms, "nick=alice");
        WebSocketServerTester bob = join(rooms, "nick=bob");
        events(alice, 4);
        events(bob, 3);
        for (int i = 0; i < 1 + ChatHandler.STRIKES; i++) {
            say(alice, "flood " + i);
        }
        List<String> expected = new ArrayList<>(List.of("message"));
        expected.addAll(Collections.nCopies(ChatHandler.STRIKES, "error"));
        assertEquals(expected, types(events(alice, 1 + ChatHandler.STRIKES)), "one message, then an error each");
        alice.assertNothingWritten();
        alice.assertChannelOpen();
        say(alice, "one too many");
        alice.advanceTime(Duration.ofSeconds(1)); // the rate allows a message again, but the close is under way
        say(alice, "after the close frame");
        alice.assertClosed(CloseStatus.POLICY_VIOLATION, ChatHandler.FLOODING_REASON);
        assertEquals(List.of("message", "leave"), types(events(bob, 2)),
            "the others got the one message within the rate, then the leave");
        bob.assertNothingWritten();
    }

    @Test
    void aHistoryAboveTheWaterMarkIsCaughtUpInFullThenLive() {
        ChatRooms rooms = rooms(ChatSettings.DEFAULT.withHistory(100).withRate(1000, 1000));
        WebSocketServerTester alice = join(rooms, "nick=alice");
        events(alice, 3);
        String text = "x".repeat(4000);
        for (int i = 0; i < 40; i++) {
            say(alice, text);
        }
        events(alice, 40);
        // 160 KB of history (within the room's history bytes): the catch-up writes past the high water mark and goes
        // on as the channel drains.
        WebSocketServerTester bob = join(rooms, "nick=bob");
        assertEquals("welcome", event(bob).get("type").asText());
        int messages = 0;
        JsonNode next;
        while ((next = event(bob)).get("type").asText().equals("history")) {
            messages += next.get("messages").size();
        }
        assertEquals(40, messages, "the whole history");
        assertEquals("presence", next.get("type").asText());
        bob.assertChannelOpen();
        say(bob, "caught up");
        assertEquals("caught up", event(bob).get("text").asText(), "live after the catch-up");
    }

    @Test
    void aMessageSentBeforeTheClientSawTheServerGoingAwayIsStillPosted() {
        ChatRooms rooms = rooms(ChatSettings.DEFAULT);
        WebSocketServerTester alice = join(rooms, "nick=alice");
        WebSocketServerTester bob = join(rooms, "nick=bob");
        events(alice, 4);
        events(bob, 3);
        // The server shuts down (1001 to every connection); alice's message crossed that close on the wire.
        WebSocketSession.of(alice.channel()).close(CloseStatus.GOING_AWAY, "server shutting down");
        say(alice, "sent before the 1001 arrived");
        JsonNode posted = event(bob);
        assertEquals("message", posted.get("type").asText(), "posted, as the README's shutdown promises");
        assertEquals("sent before the 1001 arrived", posted.get("text").asText());
    }

    @Test
    void slowConsumerIsClosedWith1008AndNeverHoldsUpTheOthers() {
        ChatSettings settings = ChatSettings.DEFAULT.withRate(1000, 1000).withPresenceLimit(10)
            .withSlowConsumerLimits(100 * 1024, Duration.ofSeconds(10));
        assertEquals(100 * 1024, settings.maxPendingWriteBytes(), "above the largest event and the water mark");
        ChatRooms rooms = rooms(settings);
        WebSocketServerTester alice = join(rooms, "nick=alice");
        WebSocketServerTester slow = join(rooms, "nick=slow");
        WebSocketServerTester bob = join(rooms, "nick=bob");
        events(bob, 3);
        slow.stopReading();
        String text = "x".repeat(4000);
        int sent = 0;
        while (slow.channel().isActive() && sent < 100) {
            say(alice, text);
            sent++;
            assertEquals("message", event(bob).get("type").asText(), "bob gets message " + sent + " at once");
        }
        slow.assertChannelClosed();
        assertTrue(sent > 16 && sent < 30, "closed once more than 100 KiB were queued; sent " + sent);
        assertEquals(CloseStatus.POLICY_VIOLATION, slow.closedEvent().statusCode());
        assertEquals(ConnectionConfig.PENDING_LIMIT_REASON, slow.closedEvent().reason());
        assertEquals("{\"type\":\"leave\",\"nick\":\"slow\"}", event(bob).toString(), "bob hears the slow one left");
        bob.assertNothingWritten();
        say(alice, "still here");
        assertEquals("still here", event(bob).get("text").asText());
    }

    @Test
    void consumerThatStopsReadingIsClosedAfterTheWriteStallTimeout() {
        ChatSettings settings = ChatSettings.DEFAULT.withRate(1000, 1000)
            .withSlowConsumerLimits(16L << 20, Duration.ofSeconds(2));
        ChatRooms rooms = rooms(settings);
        WebSocketServerTester alice = join(rooms, "nick=alice");
        WebSocketServerTester slow = join(rooms, "nick=slow");
        slow.stopReading();
        for (int i = 0; i < 20; i++) {
            say(alice, "y".repeat(4000));
        }
        assertFalse(slow.channel().isWritable());
        slow.advanceTime(Duration.ofMillis(1999));
        slow.assertChannelOpen();
        slow.advanceTime(Duration.ofMillis(1));
        slow.assertChannelClosed();
        assertEquals(CloseStatus.POLICY_VIOLATION, slow.closedEvent().statusCode());
        assertEquals(ConnectionConfig.WRITE_STALL_REASON, slow.closedEvent().reason());
    }

    @Test
    void newRoomBeyondTheLimitReplacesAnEmptyRoomOrIsRefusedWith1013() {
        ChatRooms rooms = rooms(ChatSettings.DEFAULT.withMaxRooms(2));
        WebSocketServerTester a = join(rooms, "room=a&nick=x");
        join(rooms, "room=b&nick=x");
        WebSocketServerTester c = join(rooms, "room=c&nick=x");
        assertEquals("error", event(c).get("type").asText());
        c.assertClosed(CloseStatus.TRY_AGAIN_LATER);
        a.dropConnection();
        assertEquals("welcome", event(join(rooms, "room=d&nick=x")).get("type").asText(),
            "room a, now empty, made way for d");
        assertEquals(2, rooms.size());
    }
}
