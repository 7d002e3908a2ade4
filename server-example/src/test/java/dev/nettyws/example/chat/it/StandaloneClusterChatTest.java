package dev.nettyws.example.chat.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nettyws.example.cluster.RedisServer;
import dev.nettyws.example.cluster.RedisServers;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ClusterChatContract} on one standalone {@code redis-server} (append-only file, fsync on every write, so
 * that a restart keeps what it accepted), plus the faults: nicks and presence across nodes, a node in another
 * process killed with SIGKILL, Redis paused, Redis killed and restarted.
 */
class StandaloneClusterChatTest extends ClusterChatContract {
    private static RedisServer redis;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServers.standalone("--appendonly", "yes", "--appendfsync", "always");
        startNodes(redis.uri(), 3);
    }

    @AfterAll
    static void stopRedis() throws Exception {
        stopNodes();
        if (redis != null) {
            redis.close();
        }
    }

    private static boolean is(JsonNode event, String type, String nick) {
        return type.equals(event.path("type").asText()) && nick.equals(event.path("nick").asText());
    }

    /** A nick is unique across nodes, presence lists every node's members, and a leave reaches every node. */
    @Test
    void nicksAndPresenceSpanTheNodes() throws Exception {
        String room = newRoom();
        try (ChatClient first = oursOn(0, room, "alice")) {
            ChatClient second = new ChatClient.Jdk(jdk, ChatClient.uri(NODES.get(1).chat(), room, "alice"));
            try {
                assertEquals("alice#2", second.next("welcome").get("nick").asText());
                second.history();
                JsonNode presence = second.next("presence");
                assertEquals(2, presence.get("count").asInt());
                first.next(e -> is(e, "join", "alice#2"));
                // Reads the same as alice (and ALICE#2 as alice#2): a nick of its own, on a third node.
                try (ChatClient third = new ChatClient.Ours(ours, ChatClient.uri(NODES.get(2).chat(), room,
                        "ALICE"))) {
                    assertEquals("ALICE#3", third.next("welcome").get("nick").asText());
                    third.history();
                    List<String> nicks = new ArrayList<>();
                    third.next("presence").get("nicks").forEach(n -> nicks.add(n.asText()));
                    assertEquals(Set.of("alice", "alice#2", "ALICE#3"), new HashSet<>(nicks));
                }
                first.next(e -> is(e, "leave", "ALICE#3"));
            } finally {
                second.close();
            }
            first.next(e -> is(e, "leave", "alice#2"));
        }
    }

    /**
     * While Redis is stopped (SIGSTOP), a post gets an error event and reaches nobody; once it answers again the
     * nodes carry on by themselves: the next post reaches every member, and the refused one never appears.
     */
    @Test
    void pausedRedisGivesErrorEventsThenRecovers() throws Exception {
        String room = newRoom();
        try (ChatClient a = oursOn(0, room, "a");
             ChatClient b = jdkOn(1, room, "b")) {
            a.say("before");
            assertEquals("before", b.next("message").get("text").asText());
            redis.pause();
            try {
                a.say("refused");
                assertTrue(a.next("error").get("reason").asText().startsWith("message not sent"));
            } finally {
                redis.resume();
            }
            assertEquals("after", sayUntilAccepted(a, "after").get("text").asText());
            assertEquals("after", b.next("message").get("text").asText());
        }
    }

    /**
     * Redis killed (SIGKILL) and started again on its append-only file while a member posts: every post that did not
     * get an error event reaches the other node's member, once and in order, and is in the history after.
     */
    @Test
    void redisRestartLosesNoAcceptedMessage() throws Exception {
        String room = newRoom();
        int count = 40;
        try (ChatClient a = oursOn(0, room, "a");
             ChatClient b = jdkOn(1, room, "b")) {
            CompletableFuture<Void> posting = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 1; i <= count; i++) {
                        a.say("r-" + i);
                        Thread.sleep(25);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(300);
            redis.restart();
            posting.get(60, TimeUnit.SECONDS);
            // An end marker, posted again after each error until one is accepted, follows every accepted post. Each
            // error event stands for at most one post that was not accepted.
            int errors = 0;
            int attempt = 1;
            a.say("end-" + attempt);
            String marker = null;
            while (marker == null) {
                JsonNode event = a.next();
                String text = event.path("text").asText();
                if ("error".equals(event.path("type").asText())) {
                    errors++;
                    assertTrue(attempt < 100, "Redis did not come back");
                    Thread.sleep(200);
                    a.say("end-" + ++attempt);
                } else if ("message".equals(event.path("type").asText()) && text.startsWith("end-")) {
                    marker = text;
                }
            }
            List<JsonNode> received = new ArrayList<>();
            for (JsonNode m; !(m = b.next("message")).get("text").asText().equals(marker); ) {
                received.add(m);
            }
            Set<String> texts = new HashSet<>();
            received.forEach(m -> texts.add(m.get("text").asText()));
            List<String> lines = lines(received);
            assertOneOrder(lines, texts);
            long posts = texts.stream().filter(t -> t.startsWith("r-")).count();
            int refused = errors;
            assertTrue(posts >= count - refused, () -> "received " + posts + " of " + count + " posts, " + refused
                + " refused");
            try (ChatClient newcomer = new ChatClient.Ours(ours, ChatClient.uri(NODES.get(2).chat(), room, "n"))) {
                newcomer.next("welcome");
                List<String> history = lines(newcomer.history().messages());
                assertEquals(lines, history.subList(0, lines.size()));
            }
        }
    }

    /**
     * A node in its own process killed with SIGKILL: its member leaves presence on the other nodes within the lease
     * and a heartbeat, and the other nodes keep serving the room.
     */
    @Test
    void killedNodeLeavesPresenceAndOthersKeepServing() throws Exception {
        String room = newRoom();
        Process node = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
            System.getProperty("java.class.path"), "dev.nettyws.example.Main", "--port", "0", "--redis", redis.uri())
            .redirectErrorStream(true).start();
        try {
            URI chat = chatUriOf(node);
            try (ChatClient a = oursOn(0, room, "a");
                 ChatClient b = jdkOn(1, room, "b");
                 ChatClient doomed = join(new ChatClient.Ours(ours, ChatClient.uri(chat, room, "doomed")))) {
                a.next(e -> is(e, "join", "doomed"));
                doomed.say("last words");
                assertEquals("last words", b.next("message").get("text").asText());
                node.destroyForcibly();
                assertTrue(node.waitFor(10, TimeUnit.SECONDS));
                a.next(e -> is(e, "leave", "doomed"));
                b.next(e -> is(e, "leave", "doomed"));
                b.say("still here");
                assertEquals("still here", a.next("message").get("text").asText());
            }
        } finally {
            node.destroyForcibly();
        }
    }

    /** Reads the node's log until it says where it listens; its output is drained afterwards. */
    private static URI chatUriOf(Process node) throws Exception {
        BufferedReader log = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
        Pattern listening = Pattern.compile("chat at \\S+ \\((ws://[^)]+)\\)");
        CompletableFuture<URI> uri = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            List<String> lines = new ArrayList<>();
            try {
                for (String line; (line = log.readLine()) != null; ) {
                    Matcher m = listening.matcher(line);
                    if (m.find()) {
                        uri.complete(URI.create(m.group(1)));
                    } else if (!uri.isDone() && lines.size() < 100) {
                        lines.add(line);
                    }
                }
            } catch (Exception e) {
                // The process ended.
            }
            uri.completeExceptionally(new IllegalStateException("the node did not start: " + lines));
        }, "node-log");
        reader.setDaemon(true);
        reader.start();
        return uri.get(90, TimeUnit.SECONDS);
    }
}
