package dev.nettyws.example.chat.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nettyws.client.WebSocketClient;
import dev.nettyws.client.WebSocketClientConfig;
import dev.nettyws.example.ConnectionListener;
import dev.nettyws.example.ExampleServer;
import dev.nettyws.example.chat.ChatSettings;
import dev.nettyws.example.chat.HistoryPieces;
import dev.nettyws.transport.Transport;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A room's history over real sockets (127.0.0.1): the attack of issue 15 (ten connections within the rate limit
 * posting texts of control characters, which JSON escapes to six bytes each, until the history outgrew the outbound
 * limit and every later joiner was cut), a history bigger than the outbound limit reaching a new joiner whole, and
 * a reconnect with {@code since} that misses nothing and repeats nothing. Sizes are asserted, never times.
 */
class ChatHistoryTest {
    private static ExampleServer start(ChatSettings settings) throws InterruptedException {
        return ExampleServer.start(Transport.AUTO, new InetSocketAddress("127.0.0.1", 0),
            ExampleServer.echoConfig(ExampleServer.DEFAULT_MAX_MESSAGE_BYTES), settings, null,
            ConnectionListener.NONE);
    }

    /** {@code count} connections to the lobby, our client. */
    private static List<ChatClient> attackers(WebSocketClient client, URI chat, int count) throws Exception {
        List<ChatClient> attackers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            attackers.add(new ChatClient.Ours(client, ChatClient.uri(chat, "lobby", "a" + i)));
        }
        return attackers;
    }

    private static void closeAll(List<ChatClient> clients) throws Exception {
        for (ChatClient client : clients) {
            client.close();
        }
    }

    @Test
    void theIssuesAttackNoLongerLocksARoom() throws Exception {
        ChatSettings settings = ChatSettings.DEFAULT;
        try (ExampleServer server = start(settings);
             WebSocketClient ours = new WebSocketClient(WebSocketClientConfig.DEFAULT)) {
            List<ChatClient> attackers = attackers(ours, server.chatUri(), 10);
            try {
                // The exact attack: 4,096 x U+0001 shows nothing (blank); with a letter in front it is 24,571
                // bytes as every member would be sent it, not 4,096.
                for (ChatClient attacker : attackers) {
                    attacker.say("\u0001".repeat(4096));
                    attacker.say("!" + "\u0001".repeat(4095));
                }
                for (ChatClient attacker : attackers) {
                    assertEquals("empty text", attacker.next("error").get("reason").asText());
                    assertEquals("text too long: 24571 bytes, at most 4096", attacker.next("error")
                        .get("reason").asText());
                }
                // The most it may post: a letter and 681 control characters, 4,087 bytes escaped. The history
                // keeps what fits in 256 KiB.
                String largest = "!" + "\u0001".repeat(681);
                for (ChatClient attacker : attackers) {
                    for (int i = 0; i < 10; i++) {
                        attacker.say(largest);
                    }
                }
                List<JsonNode> posted = attackers.get(0).messages(100);
                int messageBytes = posted.get(0).toString().length(); // as the server encodes it: ASCII
                try (ChatClient joiner = new ChatClient.Jdk(HttpClient.newHttpClient(),
                        ChatClient.uri(server.chatUri(), "lobby", "newcomer"))) {
                    assertEquals("welcome", joiner.next().get("type").asText());
                    ChatClient.History history = joiner.history();
                    long kept = settings.historyBytes() / messageBytes;
                    assertEquals(kept, history.messages().size(), "what fits in the history's bytes");
                    assertFalse(history.complete(), "the oldest fell out");
                    assertEquals(posted.subList(100 - (int) kept, 100).stream().map(m -> m.get("id").asText())
                        .toList(), history.messages().stream().map(m -> m.get("id").asText()).toList());
                    assertTrue(history.texts().stream().allMatch(largest::equals));
                    // The newcomer says it: every attacker used its burst (10), and whether its bucket has refilled
                    // by now depends on how fast the history went out.
                    joiner.say("still here?");
                    assertEquals("still here?", joiner.next("message").get("text").asText(),
                        "the newcomer stays connected");
                    assertFalse(joiner.closeCode.isDone());
                }
            } finally {
                closeAll(attackers);
            }
        }
    }

    @Test
    void aHistoryBeyondTheOutboundLimitReachesANewJoinerWholeInPieces() throws Exception {
        // Texts of up to 32 KiB, 1 MiB of history, 256 KiB of queued bytes per connection: 20 messages of 32,761
        // escaped bytes are 2.5 times the outbound limit, which a history sent in one event would trip.
        ChatSettings settings = ChatSettings.DEFAULT.toBuilder().maxTextBytes(32 * 1024).historyBytes(1 << 20)
            .slowConsumerLimits(256 * 1024, Duration.ofSeconds(10)).build();
        assertTrue(settings.maxPendingWriteBytes() < 320 * 1024, "outbound limit " + settings.maxPendingWriteBytes());
        try (ExampleServer server = start(settings);
             WebSocketClient ours = new WebSocketClient(WebSocketClientConfig.DEFAULT)) {
            // Two posters fill the history; a third, whose rate budget is untouched, posts "after" (the first two
            // spent their burst of 10, so theirs could be refused as too fast on a quick machine).
            List<ChatClient> attackers = attackers(ours, server.chatUri(), 3);
            try {
                String text = "!" + "\u0001".repeat(32 * 1024 / 6 - 1);
                for (ChatClient attacker : attackers.subList(0, 2)) {
                    for (int i = 0; i < 10; i++) {
                        attacker.say(text);
                    }
                }
                attackers.get(0).messages(20);
                try (ChatClient joiner = new ChatClient.Jdk(HttpClient.newHttpClient(),
                        ChatClient.uri(server.chatUri(), "lobby", "newcomer"))) {
                    ChatClient.History history = joiner.history();
                    assertEquals(20, history.messages().size());
                    assertTrue(history.complete());
                    long bytes = history.messages().stream().mapToLong(m -> m.toString().length()).sum();
                    assertTrue(bytes > 2 * settings.maxPendingWriteBytes(), "history of " + bytes + " bytes");
                    assertTrue(bytes / 20 > HistoryPieces.MAX_PIECE_BYTES);
                    assertEquals(20, history.pieces(), "one message per piece: each is bigger than a piece");
                    assertTrue(history.texts().stream().allMatch(text::equals));
                    assertEquals("presence", joiner.next().get("type").asText());
                    attackers.get(2).say("after");
                    assertEquals("after", joiner.next("message").get("text").asText());
                    assertFalse(joiner.closeCode.isDone(), "still connected");
                }
            } finally {
                closeAll(attackers);
            }
        }
    }

    @Test
    void reconnectingSinceTheLastMessageSeenMissesNothingAndRepeatsNothing() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (ExampleServer server = start(ChatSettings.DEFAULT)) {
            URI chat = server.chatUri();
            try (ChatClient bob = new ChatClient.Jdk(http, ChatClient.uri(chat, "r", "bob"))) {
                String lastSeen;
                try (ChatClient alice = new ChatClient.Jdk(http, ChatClient.uri(chat, "r", "alice"))) {
                    bob.next("join");
                    for (int i = 1; i <= 3; i++) {
                        bob.say("m" + i);
                    }
                    lastSeen = alice.messages(3).get(2).get("id").asText();
                }
                for (int i = 4; i <= 6; i++) {
                    bob.say("m" + i);
                }
                bob.messages(6);
                try (ChatClient alice = new ChatClient.Jdk(http, ChatClient.uri(chat, "r", "alice", lastSeen))) {
                    ChatClient.History history = alice.history();
                    assertEquals(List.of("m4", "m5", "m6"), history.texts());
                    assertTrue(history.complete());
                    bob.say("m7");
                    assertEquals("m7", alice.next("message").get("text").asText());
                    assertTrue(alice.events.stream().noneMatch(e -> "message".equals(e.path("type").asText())),
                        "nothing twice");
                }
            }
        }
    }
}
