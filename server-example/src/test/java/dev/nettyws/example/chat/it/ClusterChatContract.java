package dev.nettyws.example.chat.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nettyws.client.WebSocketClient;
import dev.nettyws.client.WebSocketClientConfig;
import dev.nettyws.example.ExampleServer;
import dev.nettyws.example.ServerAccess;
import dev.nettyws.example.ServerMetrics;
import dev.nettyws.example.chat.ChatNames;
import dev.nettyws.example.chat.ChatRooms;
import dev.nettyws.example.chat.ChatSettings;
import dev.nettyws.example.chat.RedisChatRooms;
import dev.nettyws.example.chat.RoomMeters;
import dev.nettyws.example.cluster.RedisRoomStore;
import dev.nettyws.example.cluster.RoomStoreConfig;
import dev.nettyws.example.cluster.StreamId;
import dev.nettyws.transport.Transport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The chat as a cluster: three server nodes in this JVM on ephemeral ports, sharing rooms through one real Redis
 * (standalone or a Redis Cluster, by subclass), with members on every node through our client, the JDK's and Python
 * {@code websockets}. Each test uses a room of its own. Orders and sets are asserted, never times.
 */
abstract class ClusterChatContract {
    static final ChatSettings SETTINGS = ChatSettings.DEFAULT.withRate(1000, 1000);
    private static final AtomicInteger ROOMS = new AtomicInteger();

    static final List<Node> NODES = new ArrayList<>();
    static WebSocketClient ours;
    static HttpClient jdk;

    /** One server node, its connection to Redis and its metrics endpoint. */
    record Node(ExampleServer server, RedisRoomStore store, ServerMetrics metrics, URI metricsUri)
            implements AutoCloseable {
        URI chat() {
            return server.chatUri();
        }

        @Override
        public void close() {
            server.close();
            store.close();
            metrics.close();
        }
    }

    /** Short leases and checks, so that the fault tests converge quickly; a 1 s command timeout. */
    static RoomStoreConfig config() {
        return RoomStoreConfig.builder().commandTimeout(Duration.ofSeconds(1)).lease(Duration.ofSeconds(3))
            .heartbeatInterval(Duration.ofSeconds(1)).syncInterval(Duration.ofSeconds(1))
            .streamLength(SETTINGS.history()).build();
    }

    static Node startNode(String redisUris) throws InterruptedException, IOException {
        RedisRoomStore store = RedisRoomStore.connect(redisUris, config());
        ServerMetrics metrics = new ServerMetrics();
        try {
            InetSocketAddress admin = metrics.serve(new InetSocketAddress("127.0.0.1", 0));
            ChatRooms rooms = new ChatRooms(SETTINGS, new RedisChatRooms(SETTINGS, store,
                new RoomMeters(metrics.registry())), System::currentTimeMillis);
            ExampleServer server = ExampleServer.start(Transport.AUTO, new InetSocketAddress("127.0.0.1", 0),
                ExampleServer.echoConfig(ExampleServer.DEFAULT_MAX_MESSAGE_BYTES), rooms, null, ServerAccess.DEFAULT,
                metrics);
            return new Node(server, store, metrics, URI.create("http://127.0.0.1:" + admin.getPort() + "/metrics"));
        } catch (InterruptedException | IOException | RuntimeException e) {
            store.close();
            metrics.close();
            throw e;
        }
    }

    /** The value of a meter (the first line that starts with {@code name}) in a node's Prometheus endpoint. */
    static double scrape(Node node, String name) throws IOException, InterruptedException {
        String body = jdk.send(java.net.http.HttpRequest.newBuilder(node.metricsUri()).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        for (String line : body.lines().toList()) {
            if (line.startsWith(name + ' ') || line.startsWith(name + '{')) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError(name + " not in " + body);
    }

    /** Starts the nodes and the clients; subclasses call it from their {@code @BeforeAll} once Redis runs. */
    static void startNodes(String redisUris, int count) throws InterruptedException, IOException {
        for (int i = 0; i < count; i++) {
            NODES.add(startNode(redisUris));
        }
        ours = new WebSocketClient(WebSocketClientConfig.DEFAULT);
        jdk = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stopNodes() {
        for (Node node : NODES) {
            node.close();
        }
        NODES.clear();
        if (ours != null) {
            ours.close();
        }
    }

    static String newRoom() {
        return "cluster" + ROOMS.incrementAndGet();
    }

    static ChatClient join(ChatClient client) throws InterruptedException {
        client.next("welcome");
        client.history();
        client.next("presence");
        return client;
    }

    static ChatClient oursOn(int node, String room, String nick) throws Exception {
        return join(new ChatClient.Ours(ours, ChatClient.uri(NODES.get(node).chat(), room, nick)));
    }

    static ChatClient jdkOn(int node, String room, String nick) throws Exception {
        return join(new ChatClient.Jdk(jdk, ChatClient.uri(NODES.get(node).chat(), room, nick)));
    }

    /**
     * Posts {@code text} until it is accepted (Redis may still be coming back: each refusal is an error event), at
     * most 50 times; returns the message event.
     */
    static JsonNode sayUntilAccepted(ChatClient client, String text) throws Exception {
        for (int attempt = 0; attempt < 50; attempt++) {
            client.say(text);
            JsonNode event = client.next(e -> "message".equals(e.path("type").asText())
                || "error".equals(e.path("type").asText()));
            if ("message".equals(event.path("type").asText())) {
                return event;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("\"" + text + "\" was refused 50 times");
    }

    /** Posts {@code prefix-1} to {@code prefix-count} from another thread. */
    static CompletableFuture<Void> post(ChatClient client, String prefix, int count) {
        return CompletableFuture.runAsync(() -> {
            try {
                for (int i = 1; i <= count; i++) {
                    client.say(prefix + '-' + i);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** The ids and texts of message events, as {@code "ID TEXT"}. */
    static List<String> lines(List<JsonNode> messages) {
        return messages.stream().map(m -> m.get("id").asText() + ' ' + m.get("text").asText()).toList();
    }

    /**
     * Checks one room's sequence: ids strictly increasing, no text twice, every poster's numbers in order, and
     * exactly the {@code expected} texts.
     */
    static void assertOneOrder(List<String> lines, Set<String> expected) {
        StreamId previous = StreamId.ZERO;
        Set<String> texts = new HashSet<>();
        Map<String, Integer> lastNumber = new HashMap<>();
        for (String line : lines) {
            String[] parts = line.split(" ", 2);
            StreamId id = StreamId.parse(parts[0]);
            assertTrue(id.compareTo(previous) > 0, () -> "ids out of order: " + lines);
            previous = id;
            assertTrue(texts.add(parts[1]), () -> "twice: " + parts[1]);
            int dash = parts[1].lastIndexOf('-');
            int number = Integer.parseInt(parts[1].substring(dash + 1));
            Integer before = lastNumber.put(parts[1].substring(0, dash), number);
            assertTrue(before == null || before < number, () -> "a poster's order broken at " + line);
        }
        assertEquals(expected, texts);
    }

    static Set<String> numbered(int count, String... prefixes) {
        Set<String> all = new HashSet<>();
        for (String prefix : prefixes) {
            for (int i = 1; i <= count; i++) {
                all.add(prefix + '-' + i);
            }
        }
        return all;
    }

    /** Runs {@code interop/python/chat_member.py}; completes with the lines it printed once it exits 0. */
    static CompletableFuture<List<String>> python(URI uri, String prefix, int count, int total) throws IOException {
        Path script = repositoryRoot().resolve("interop/python/chat_member.py");
        Process process = new ProcessBuilder("/usr/bin/python3", script.toString(), uri.toString(), prefix,
            Integer.toString(count), Integer.toString(total)).redirectErrorStream(true).start();
        process.getOutputStream().close();
        return CompletableFuture.supplyAsync(() -> {
            List<String> lines = new ArrayList<>();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
                if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
                    throw new IllegalStateException("chat_member.py failed: " + lines);
                }
                return lines;
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                process.destroyForcibly();
            }
        });
    }

    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("interop/python"))) {
            dir = dir.getParent();
        }
        assertTrue(dir != null, "no interop/python above the working directory");
        return dir;
    }

    /**
     * Members on every node and through three kinds of client post numbered messages at once: every member gets
     * every message once, all in one order with increasing ids, each poster's in the order posted; the history a
     * newcomer gets is that same sequence, and {@code since} of any of its ids gives exactly the rest.
     */
    @Test
    void numberedMessagesFromEveryNodeReachEveryMemberOnceInOneOrder() throws Exception {
        String room = newRoom();
        int each = 15;
        int total = 3 * each + 10;
        try (ChatClient a = oursOn(0, room, "a");
             ChatClient b = jdkOn(1, room, "b");
             ChatClient c = oursOn(2 % NODES.size(), room, "c")) {
            CompletableFuture<List<String>> py = python(ChatClient.uri(NODES.get(1).chat(), room, "py"), "py", 10,
                total);
            for (ChatClient member : List.of(a, b, c)) {
                member.next(e -> "join".equals(e.path("type").asText()) && "py".equals(e.path("nick").asText()));
            }
            CompletableFuture.allOf(post(a, "a", each), post(b, "b", each), post(c, "c", each))
                .get(60, TimeUnit.SECONDS);
            List<String> seen = lines(a.messages(total));
            Set<String> expected = numbered(each, "a", "b", "c");
            expected.addAll(numbered(10, "py"));
            assertOneOrder(seen, expected);
            assertEquals(seen, lines(b.messages(total)));
            assertEquals(seen, lines(c.messages(total)));
            assertEquals(seen, py.get(90, TimeUnit.SECONDS));
            // Node 0's endpoint: its member got every message; posts went through Redis.
            assertTrue(scrape(NODES.get(0), "nettyws_chat_deliveries_total") >= total);
            assertTrue(scrape(NODES.get(0), "nettyws_redis_post_seconds_count") >= each);
            assertTrue(scrape(NODES.get(0), "nettyws_connections_open") >= 1);
            assertTrue(scrape(NODES.get(0), "nettyws_chat_delivery_lag_seconds_count") >= total);
            assertTrue(scrape(NODES.get(0), "nettyws_wire_sent_bytes_total{phase=\"websocket\"}") > 0);

            try (ChatClient newcomer = new ChatClient.Jdk(jdk, ChatClient.uri(NODES.get(2 % NODES.size()).chat(),
                    room, "newcomer"))) {
                newcomer.next("welcome");
                ChatClient.History history = newcomer.history();
                assertTrue(history.complete());
                assertEquals(seen, lines(history.messages()));
            }
            String since = seen.get(20).split(" ")[0];
            try (ChatClient later = new ChatClient.Ours(ours, ChatClient.uri(NODES.get(0).chat(), room, "later",
                    since))) {
                later.next("welcome");
                ChatClient.History history = later.history();
                assertTrue(history.complete());
                assertEquals(seen.subList(21, seen.size()), lines(history.messages()));
            }
        }
    }

    /**
     * Look-alike nicks joining on two nodes at the same moment, round after round: the nodes never both get a nick
     * that reads the same; one member gets the nick it asked for, the other its first suffixed form.
     */
    @Test
    void lookAlikeNicksJoiningOnTwoNodesAtOnceNeverReadTheSame() throws Exception {
        String room = newRoom();
        for (int round = 0; round < 5; round++) {
            // Latin "alice", and "alice" with a Cyrillic a (U+0430).
            String latin = "alice" + round;
            String cyrillic = "\u0430lice" + round;
            CompletableFuture<ChatClient> onA = CompletableFuture.supplyAsync(() -> connect(0, room, latin));
            CompletableFuture<ChatClient> onB = CompletableFuture.supplyAsync(() -> connect(1, room, cyrillic));
            try (ChatClient a = onA.get(ChatClient.TIMEOUT_SECONDS, TimeUnit.SECONDS);
                 ChatClient b = onB.get(ChatClient.TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                String nickA = a.next("welcome").get("nick").asText();
                String nickB = b.next("welcome").get("nick").asText();
                assertNotEquals(ChatNames.key(nickA), ChatNames.key(nickB), nickA + " and " + nickB);
                Set<String> nicks = Set.of(nickA, nickB);
                assertTrue(nicks.equals(Set.of(latin, cyrillic + "#2")) || nicks.equals(Set.of(cyrillic, latin + "#2")),
                    nickA + " and " + nickB);
            }
        }
    }

    private static ChatClient connect(int node, String room, String nick) {
        try {
            return new ChatClient.Ours(ours, ChatClient.uri(NODES.get(node).chat(), room, nick));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A member drops mid-conversation and comes back on another node with {@code since} of the last message it
     * saw: the history it gets and the live messages after it are exactly the messages it missed and the later
     * ones, nothing twice.
     */
    @Test
    void reconnectingToAnotherNodeWithSinceMissesNothing() throws Exception {
        String room = newRoom();
        try (ChatClient poster = jdkOn(1, room, "poster")) {
            List<String> first;
            try (ChatClient reader = oursOn(0, room, "reader")) {
                poster.say("m-1");
                poster.say("m-2");
                first = lines(reader.messages(2));
            }
            for (int i = 3; i <= 6; i++) {
                poster.say("m-" + i);
            }
            List<String> all = new ArrayList<>(lines(poster.messages(6)));
            String since = first.get(1).split(" ")[0];
            try (ChatClient back = new ChatClient.Ours(ours, ChatClient.uri(NODES.get(NODES.size() - 1).chat(),
                    room, "reader", since))) {
                back.next("welcome");
                ChatClient.History missed = back.history();
                assertTrue(missed.complete());
                poster.say("m-7");
                List<String> after = new ArrayList<>(lines(missed.messages()));
                after.addAll(lines(back.messages(1)));
                all.addAll(lines(poster.messages(1)));
                assertEquals(all.subList(2, 7), after);
                List<String> seen = new ArrayList<>(first);
                seen.addAll(after);
                assertOneOrder(seen, numbered(7, "m"));
            }
        }
    }
}
