package dev.nettyws.example.chat;

import static dev.nettyws.example.chat.ChatChannels.closedEvent;
import static dev.nettyws.example.chat.ChatChannels.connect;
import static dev.nettyws.example.chat.ChatChannels.drop;
import static dev.nettyws.example.chat.ChatChannels.events;
import static dev.nettyws.example.chat.ChatChannels.frames;
import static dev.nettyws.example.chat.ChatChannels.message;
import static dev.nettyws.example.chat.ChatChannels.types;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nettyws.example.chat.ChatChannels.StallableChannel;
import dev.nettyws.frame.BinaryFrame;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.Opcode;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.protocol.ConnectionHandler;
import dev.nettyws.testsupport.WireFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The chat logic through {@link EmbeddedChannel}s: joining, leaving, history, presence, errors and limits. */
class ChatHandlerTest {
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void closeChannels() {
        for (EmbeddedChannel ch : channels) {
            ch.finishAndReleaseAll();
        }
    }

    private EmbeddedChannel join(ChatRooms rooms, String query) {
        EmbeddedChannel ch = connect(rooms, query);
        channels.add(ch);
        return ch;
    }

    private static void say(EmbeddedChannel ch, String text) {
        ch.writeInbound(new TextFrame(message(text)));
    }

    private static WireFrame onlyCloseFrame(EmbeddedChannel ch) {
        List<WireFrame> frames = frames(ch);
        WireFrame last = frames.get(frames.size() - 1);
        assertEquals(Opcode.CLOSE.code(), last.opcode(), frames::toString);
        return last;
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
        ChatRooms rooms = new ChatRooms(ChatSettings.DEFAULT);
        EmbeddedChannel alice = join(rooms, "room=kitchen&nick=alice");
        List<JsonNode> events = events(alice);
        assertEquals(List.of("welcome", "history", "presence"), types(events));
        assertEquals("kitchen", events.get(0).get("room").asText());
        assertEquals("alice", events.get(0).get("nick").asText());
        assertEquals(0, events.get(1).get("messages").size());
        assertEquals("[\"alice\"]", events.get(2).get("nicks").toString());
    }

    @Test
    void othersHearOfAJoinAndTheJoinerSeesThemInPresence() {
        ChatRooms rooms = new ChatRooms(ChatSettings.DEFAULT);
        EmbeddedChannel alice = join(rooms, "nick=alice");
        events(alice);
        EmbeddedChannel bob = join(rooms, "nick=bob");
        List<JsonNode> aliceSees = events(alice);
        assertEquals(1, aliceSees.size());
        assertEquals("{\"type\":\"join\",\"nick\":\"bob\"}", aliceSees.get(0).toString());
        List<JsonNode> bobSees = events(bob);
        assertEquals("lobby", bobSees.get(0).get("room").asText(), "the default room");
        assertEquals("[\"alice\",\"bob\"]", bobSees.get(2).get("nicks").toString());
    }

    @Test
    void messageReachesEveryMemberOfItsRoomIncludingTheSenderAndNoOtherRoom() {
        ChatRooms rooms = new ChatRooms(ChatSettings.DEFAULT);
        EmbeddedChannel alice = join(rooms, "room=a&nick=alice");
        EmbeddedChannel bob = join(rooms, "room=a&nick=bob");
        EmbeddedChannel carol = join(rooms, "room=b&nick=carol");
        events(alice);
        events(bob);
        events(carol);
        say(alice, "hi \"there\" \u00e9\ud83d\ude00");
        for (EmbeddedChannel ch : List.of(alice, bob)) {
            List<JsonNode> events = events(ch);
            assertEquals(1, events.size());
            JsonNode msg = events.get(0);
            assertEquals("message", msg.get("type").asText());
            assertEquals("a", msg.get("room").asText());
            assertEquals("alice", msg.get("nick").asText());
            assertEquals("hi \"there\" \u00e9\ud83d\ude00", msg.get("text").asText());
            assertEquals(1_700_000_000_000L, msg.get("ts").asLong());
        }
        assertTrue(events(carol).isEmpty(), "room b hears nothing of room a");
    }

    @Test
    void broadcastIsEncodedOnceAndSharedByEveryMember() {
        ChatRooms rooms = new ChatRooms(ChatSettings.DEFAULT);
        EmbeddedChannel alice = join(rooms, "nick=alice");
        EmbeddedChannel bob = join(rooms, "nick=bob");
        events(alice);
        events(bob);
        say(alice, "once");
        ByteBuf toAlice = alice.readOutbound();
        ByteBuf toBob = bob.readOutbound();
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
        ChatRooms rooms = new ChatRooms(ChatSettings.DEFAULT.withHistory(3).withRate(100, 100));
        EmbeddedChannel alice = join(rooms, "nick=alice");
        for (int i = 1; i <= 5; i++) {
            say(alice, "m" + i);
        }
        EmbeddedChannel bob = join(rooms, "nick=bob");
        JsonNode history = events(bob).get(1);
        assertEquals("history", history.get("type").asText());
        List<String> texts = new ArrayList<>();
        history.get("messages").forEach(m -> texts.add(m.get("nick").asText() + ':' + m.get("text").asText()));
        assertEquals(List.of("alice:m3", "alice:m4", "alice:m5"), texts);
    }

    @Test
    void leaveIsBroadcastWhenAConnectionCloses() {
        ChatRooms rooms = new ChatRooms(ChatSettings.DEFAULT);
        EmbeddedChannel alice = join(rooms, "nick=alice");
        EmbeddedChannel bob = join(rooms, "nick=bob");
        events(alice);
        drop(bob);
        assertEquals(List.of("{\"type\":\"leave\",\"nick\":\"bob\"}"),
            events(alice).stream().map(JsonNode::toString).toList());
        EmbeddedChannel carol = join(rooms, "nick=carol");
        assertEquals("[\"alice\",\"carol\"]", events(carol).get(2).get("nicks").toString());
    }

    @Test
    void duplicateNickGetsASuffixAndTheWelcomeSaysWhich() {
        ChatRooms rooms = new ChatRooms(ChatSettings.DEFAULT);
        join(rooms, "nick=alice");
        EmbeddedChannel second = join(rooms, "nick=alice");
        EmbeddedChannel third = join(rooms, "nick=alice");
        assertEquals("alice-2", events(second).get(0).get("nick").asText());
        assertEquals("alice-3", events(third).get(0).get("nick").asText());
        String longNick = "x".repeat(ChatNames.MAX_NICK_LENGTH);
        join(rooms, "nick=" + longNick);
        EmbeddedChannel again = join(rooms, "nick=" + longNick);
        String assigned = events(again).get(0).get("nick").asText();
        assertEquals("x".repeat(ChatNames.MAX_NICK_LENGTH - 2) + "-2", assigned, "kept within the length limit");
    }

    @Test
    void sameNickInAnotherRoomIsNotADuplicate() {
        ChatRooms rooms = new ChatRooms(ChatSettings.DEFAULT);
        join(rooms, "room=a&nick=alice");
        EmbeddedChannel other = join(rooms, "room=b&nick=alice");
        assertEquals("alice", events(other).get(0).get("nick").asText());
    }

    @Test
    void missingOrInvalidNickOrRoomIsRefusedWithAnErrorAndClose1008() {
        ChatRooms rooms = new ChatRooms(ChatSettings.DEFAULT);
        for (String query : List.of("room=a", "nick=", "nick=a%20b", "nick=%3Cscript%3E",
                "nick=" + "n".repeat(ChatNames.MAX_NICK_LENGTH + 1), "nick=ok&room=bad%2Froom")) {
            EmbeddedChannel ch = join(rooms, query);
            List<WireFrame> frames = frames(ch);
            assertEquals(2, frames.size(), query);
            JsonNode error = ChatJson.parse(new String(frames.get(0).payload(), StandardCharsets.UTF_8));
            assertEquals("error", error.get("type").asText(), query);
            assertEquals(Opcode.CLOSE.code(), frames.get(1).opcode(), query);
            assertEquals(CloseStatus.POLICY_VIOLATION, frames.get(1).closeCode(), query);
            assertEquals(error.get("reason").asText(), frames.get(1).closeReason(), query);
        }
        assertEquals(0, rooms.size(), "no room was created for a refused join");
    }

    @Test
    void badInputGetsAnErrorAndTheConnectionStaysOpen() {
        ChatRooms rooms = new ChatRooms(ChatSettings.DEFAULT.withMaxTextBytes(10));
        EmbeddedChannel alice = join(rooms, "nick=alice");
        events(alice);
        List<String> inputs = List.of("not json", "[1,2]", "{\"text\":\"x\"}", "{\"type\":\"dance\"}",
            "{\"type\":\"message\"}", "{\"type\":\"message\",\"text\":\"   \"}",
            "{\"type\":\"message\",\"text\":\"" + "\u00e9".repeat(6) + "\"}");
        List<String> reasons = List.of("malformed JSON", "expected a JSON object", "missing \"type\"",
            "unknown type \"dance\"", "missing \"text\"", "empty text", "text too long: 12 bytes, at most 10");
        for (int i = 0; i < inputs.size(); i++) {
            alice.writeInbound(new TextFrame(inputs.get(i)));
            List<JsonNode> events = events(alice);
            assertEquals(1, events.size(), inputs.get(i));
            assertEquals("error", events.get(0).get("type").asText());
            assertEquals(reasons.get(i), events.get(0).get("reason").asText());
        }
        alice.writeInbound(new BinaryFrame(Unpooled.wrappedBuffer(new byte[] {1})));
        assertEquals("binary messages are not supported", events(alice).get(0).get("reason").asText());
        assertTrue(alice.isActive());
        say(alice, "fine");
        assertEquals("message", events(alice).get(0).get("type").asText(), "still in the room");
    }

    @Test
    void messagesBeyondTheRateLimitAreDroppedWithAnError() {
        ChatRooms rooms = new ChatRooms(ChatSettings.DEFAULT.withRate(2, 3));
        EmbeddedChannel alice = join(rooms, "nick=alice");
        events(alice);
        for (int i = 0; i < 4; i++) {
            say(alice, "m" + i);
        }
        List<JsonNode> events = events(alice);
        assertEquals(List.of("message", "message", "message", "error"), types(events));
        assertEquals("rate limit exceeded: message dropped", events.get(3).get("reason").asText());
        alice.advanceTimeBy(500, TimeUnit.MILLISECONDS);
        say(alice, "after a pause");
        assertEquals("after a pause", events(alice).get(0).get("text").asText(), "one token back after 0.5 s");
        assertTrue(alice.isActive());
    }

    @Test
    void clientThatKeepsFloodingIsClosedWith1008() {
        ChatRooms rooms = new ChatRooms(ChatSettings.DEFAULT.withRate(1, 1));
        EmbeddedChannel alice = join(rooms, "nick=alice");
        EmbeddedChannel bob = join(rooms, "nick=bob");
        events(alice);
        for (int i = 0; i < 1 + ChatHandler.STRIKES; i++) {
            say(alice, "flood " + i);
        }
        List<JsonNode> errorsSoFar = events(alice);
        assertEquals(1 + ChatHandler.STRIKES, errorsSoFar.size(), "one message, then an error per strike");
        assertTrue(alice.isActive(), "open while strikes remain");
        say(alice, "one too many");
        WireFrame close = onlyCloseFrame(alice);
        assertEquals(CloseStatus.POLICY_VIOLATION, close.closeCode());
        assertEquals(ChatHandler.FLOODING_REASON, close.closeReason());
        assertEquals(1, events(bob).stream().filter(e -> e.get("type").asText().equals("message")).count(),
            "the others got the one message within the rate");
    }

    @Test
    void slowConsumerIsClosedWith1008AndNeverHoldsUpTheOthers() {
        ChatSettings settings = ChatSettings.DEFAULT.withRate(1000, 1000)
            .withSlowConsumerLimits(100 * 1024, Duration.ofSeconds(10));
        ChatRooms rooms = new ChatRooms(settings);
        EmbeddedChannel alice = join(rooms, "nick=alice");
        StallableChannel slow = connect(new StallableChannel(), rooms, "nick=slow");
        channels.add(slow);
        EmbeddedChannel bob = join(rooms, "nick=bob");
        events(alice);
        events(bob);
        slow.stalled = true;
        String text = "x".repeat(4000);
        int sent = 0;
        List<String> bobSaw = new ArrayList<>();
        while (slow.isActive() && sent < 100) {
            say(alice, text);
            sent++;
            List<JsonNode> events = events(bob);
            assertEquals("message", events.get(0).get("type").asText(), "bob gets message " + sent + " at once");
            events.forEach(e -> bobSaw.add(e.get("type").asText() + ' ' + e.path("nick").asText()));
        }
        assertFalse(slow.isActive(), "closed once more than 100 KiB were queued");
        assertTrue(sent > 16 && sent < 30, "sent " + sent);
        assertNotNull(closedEvent(slow));
        assertEquals(CloseStatus.POLICY_VIOLATION, closedEvent(slow).statusCode());
        assertEquals(ConnectionHandler.PENDING_LIMIT_REASON, closedEvent(slow).reason());
        assertEquals("leave slow", bobSaw.get(bobSaw.size() - 1), "the others hear the slow one left");
        assertEquals(sent, bobSaw.size() - 1, "and got every message");
        say(alice, "still here");
        assertEquals("still here", events(bob).get(0).get("text").asText());
    }

    @Test
    void consumerThatStopsReadingIsClosedAfterTheWriteStallTimeout() {
        ChatSettings settings = ChatSettings.DEFAULT.withRate(1000, 1000)
            .withSlowConsumerLimits(16L << 20, Duration.ofSeconds(2));
        ChatRooms rooms = new ChatRooms(settings);
        EmbeddedChannel alice = join(rooms, "nick=alice");
        StallableChannel slow = connect(new StallableChannel(), rooms, "nick=slow");
        channels.add(slow);
        slow.stalled = true;
        for (int i = 0; i < 20; i++) {
            say(alice, "y".repeat(4000));
        }
        assertFalse(slow.isWritable());
        slow.advanceTimeBy(1999, TimeUnit.MILLISECONDS);
        slow.runScheduledPendingTasks();
        assertTrue(slow.isActive());
        slow.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        slow.runScheduledPendingTasks();
        assertFalse(slow.isActive());
        assertEquals(CloseStatus.POLICY_VIOLATION, closedEvent(slow).statusCode());
        assertEquals(ConnectionHandler.WRITE_STALL_REASON, closedEvent(slow).reason());
    }

    @Test
    void newRoomBeyondTheLimitReplacesAnEmptyRoomOrIsRefusedWith1013() {
        ChatRooms rooms = new ChatRooms(ChatSettings.DEFAULT.withMaxRooms(2));
        EmbeddedChannel a = join(rooms, "room=a&nick=x");
        join(rooms, "room=b&nick=x");
        EmbeddedChannel c = join(rooms, "room=c&nick=x");
        WireFrame close = onlyCloseFrame(c);
        assertEquals(CloseStatus.TRY_AGAIN_LATER, close.closeCode());
        drop(a);
        EmbeddedChannel d = join(rooms, "room=d&nick=x");
        assertEquals("welcome", events(d).get(0).get("type").asText(), "room a, now empty, made way for d");
        assertEquals(2, rooms.size());
    }
}
