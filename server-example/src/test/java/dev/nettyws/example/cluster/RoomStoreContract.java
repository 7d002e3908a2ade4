package dev.nettyws.example.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.example.chat.ChatNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link RedisRoomStore} promises, checked against real Redis: the subclasses run it on a standalone
 * {@code redis-server} and on a local Redis Cluster of three masters. Each "node" is a store instance with its own
 * connections, as a server process would have. Timers are short (lease 3 s, heartbeat 500 ms, checks every 500 ms,
 * command timeout 2 s, connect timeout 5 s); waits are bounded, and nothing asserts how long anything took.
 */
abstract class RoomStoreContract {
    private static final long WAIT_SECONDS = 20;

    /** {@code alice} with a Cyrillic {@code а} (U+0430): reads as {@code alice}. */
    static final String CYRILLIC_ALICE = "\u0430lice";

    private final List<RedisRoomStore> nodes = new ArrayList<>();

    /** The URIs of the Redis under test; its servers run with an append-only file synced on every write. */
    abstract String redisUris();

    /** The server holding a room's keys (the only one, or the cluster master of the room's slot). */
    abstract RedisServer serverOf(String room) throws Exception;

    /** Room names for one test: on different masters of a cluster when there are several. */
    abstract List<String> rooms(int count) throws Exception;

    static RoomStoreConfig.Builder fast() {
        return RoomStoreConfig.builder()
            .commandTimeout(Duration.ofSeconds(2))
            .connectTimeout(Duration.ofSeconds(5))
            .lease(Duration.ofSeconds(3))
            .heartbeatInterval(Duration.ofMillis(500))
            .syncInterval(Duration.ofMillis(500));
    }

    static String randomRoom() {
        return "room-" + UUID.randomUUID().toString().substring(0, 8);
    }

    RedisRoomStore node() {
        return node(fast().build());
    }

    RedisRoomStore node(RoomStoreConfig config) {
        RedisRoomStore store = RedisRoomStore.connect(redisUris(), config);
        nodes.add(store);
        return store;
    }

    @AfterEach
    void closeNodes() {
        nodes.forEach(RedisRoomStore::close);
        nodes.clear();
    }

    static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    static RecordingListener subscribe(RedisRoomStore node, String room) throws Exception {
        RecordingListener listener = new RecordingListener();
        await(node.subscribe(room, 10, listener));
        return listener;
    }

    /** Nicks unique as strings. */
    static List<NickClaim> exact(String... nicks) {
        return Stream.of(nicks).map(NickClaim::exact).toList();
    }

    /** Nicks unique as the chat makes them: look-alike nicks are one. */
    static NickClaim chat(String nick) {
        return new NickClaim(nick, ChatNames.key(nick));
    }

    static List<String> bodies(List<RoomMessage> messages) {
        return messages.stream().map(RoomMessage::body).toList();
    }

    static void assertIncreasing(List<RoomMessage> messages) {
        for (int i = 1; i < messages.size(); i++) {
            assertTrue(StreamId.parse(messages.get(i - 1).id()).compareTo(StreamId.parse(messages.get(i).id())) < 0,
                "ids increase: " + messages.get(i - 1).id() + " then " + messages.get(i).id());
        }
    }

    @Test
    void messagesPostedOnSeveralNodesReachEveryNodeOnceInTheHistorysOrder() throws Exception {
        List<String> rooms = rooms(2);
        List<RedisRoomStore> cluster = List.of(node(), node(), node());
        List<List<RecordingListener>> heard = new ArrayList<>();
        for (RedisRoomStore node : cluster) {
            List<RecordingListener> perRoom = new ArrayList<>();
            for (String room : rooms) {
                perRoom.add(subscribe(node, room));
            }
            heard.add(perRoom);
        }
        int perNode = 60;
        for (int batch = 0; batch < perNode; batch += 10) {
            // All nodes post at once, ten messages to each room in flight per node.
            List<CompletableFuture<String>> posts = new ArrayList<>();
            for (int i = batch; i < batch + 10; i++) {
                for (int n = 0; n < cluster.size(); n++) {
                    for (String room : rooms) {
                        posts.add(cluster.get(n).post(room, n + ":" + i).toCompletableFuture());
                    }
                }
            }
            CompletableFuture.allOf(posts.toArray(CompletableFuture[]::new)).get(WAIT_SECONDS, TimeUnit.SECONDS);
        }

        int total = perNode * cluster.size();
        for (int r = 0; r < rooms.size(); r++) {
            HistoryPage history = await(cluster.get(0).history(rooms.get(r), null, 1000));
            assertEquals(total, history.messages().size());
            assertIncreasing(history.messages());
            for (List<RecordingListener> node : heard) {
                assertEquals(history.messages(), node.get(r).awaitMessages(total), "same messages, same order");
            }
            int[] next = new int[cluster.size()];
            for (String body : bodies(history.messages())) {
                String[] parts = body.split(":");
                assertEquals(next[Integer.parseInt(parts[0])]++, Integer.parseInt(parts[1]),
                    "each node's posts in the order it made them");
            }
        }
    }

    @Test
    void aSubscriberGetsTheRecentMessagesThenEveryLaterOneOnce() throws Exception {
        String room = randomRoom();
        RedisRoomStore node = node();
        for (int i = 0; i < 5; i++) {
            await(node.post(room, "old " + i));
        }
        RecordingListener listener = new RecordingListener();
        await(node.subscribe(room, 3, listener));
        assertEquals(List.of("old 2", "old 3", "old 4"), bodies(listener.recent().messages()));
        assertTrue(listener.recent().complete());

        await(node.post(room, "new 0"));
        await(node.post(room, "new 1"));
        assertEquals(List.of("new 0", "new 1"), bodies(listener.awaitMessages(2)));
        assertThrows(IllegalStateException.class, () -> node.subscribe(room, 1, new RecordingListener()));
    }

    @Test
    void historyAfterAnIdSaysWhetherNothingIsMissing() throws Exception {
        String room = randomRoom();
        // A short stream: Redis trims it approximately, so it keeps at least 10 and somewhat more.
        RedisRoomStore node = node(fast().streamLength(10).build());
        String firstId = null;
        for (int batch = 0; batch < 300; batch += 30) {
            List<CompletableFuture<String>> posts = new ArrayList<>();
            for (int i = batch; i < batch + 30; i++) {
                posts.add(node.post(room, "m" + i).toCompletableFuture());
            }
            CompletableFuture.allOf(posts.toArray(CompletableFuture[]::new)).get(WAIT_SECONDS, TimeUnit.SECONDS);
            if (firstId == null) {
                firstId = posts.get(0).get();
            }
        }

        List<RoomMessage> kept = await(node.history(room, null, 1000)).messages();
        assertTrue(kept.size() >= 10 && kept.size() < 300, "trimmed to about 10: " + kept.size());
        assertEquals("m299", kept.get(kept.size() - 1).body());
        assertEquals(bodies(kept.subList(kept.size() - 5, kept.size())),
            bodies(await(node.history(room, null, 5)).messages()), "the newest five");

        HistoryPage fellOut = await(node.history(room, firstId, 1000));
        assertFalse(fellOut.complete(), "the messages right after the first fell out");
        assertEquals(kept, fellOut.messages());

        String oldestKept = kept.get(0).id();
        HistoryPage afterOldest = await(node.history(room, oldestKept, 1000));
        assertTrue(afterOldest.complete());
        assertEquals(kept.subList(1, kept.size()), afterOldest.messages());

        HistoryPage newestTwo = await(node.history(room, oldestKept, 2));
        assertFalse(newestTwo.complete(), "only the newest two of those after it");
        assertEquals(kept.subList(kept.size() - 2, kept.size()), newestTwo.messages());

        String newest = kept.get(kept.size() - 1).id();
        assertEquals(new HistoryPage(List.of(), true), await(node.history(room, newest, 10)));
        assertEquals(new HistoryPage(List.of(), false), await(node.history(room, "99999999999999-0", 10)),
            "an id this room never had");
        assertEquals(new HistoryPage(List.of(), false), await(node.history(randomRoom(), newest, 10)),
            "a room without history cannot vouch for anything after an id");
        assertThrows(IllegalArgumentException.class, () -> node.history(room, "not-an-id", 10));
    }

    @Test
    void aNickIsHeldByOneMemberAcrossNodes() throws Exception {
        String room = randomRoom();
        RedisRoomStore a = node();
        RedisRoomStore b = node();
        CompletableFuture<String> fromA = a.join(room, exact("carol", "carol-2")).toCompletableFuture();
        CompletableFuture<String> fromB = b.join(room, exact("carol", "carol-2")).toCompletableFuture();
        assertEquals(Set.of("carol", "carol-2"), Set.of(fromA.get(WAIT_SECONDS, TimeUnit.SECONDS),
            fromB.get(WAIT_SECONDS, TimeUnit.SECONDS)));

        List<CompletableFuture<String>> races = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            races.add(a.join(room, exact("nick" + i)).toCompletableFuture());
            races.add(b.join(room, exact("nick" + i)).toCompletableFuture());
        }
        for (int i = 0; i < 20; i++) {
            String first = races.get(2 * i).get(WAIT_SECONDS, TimeUnit.SECONDS);
            String second = races.get(2 * i + 1).get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertTrue(first == null ^ second == null, "exactly one node got nick" + i);
        }
        assertNull(await(a.join(room, exact("carol", "carol-2"))), "both taken");
        RedisRoomStore holder = "carol".equals(fromA.get()) ? a : b;
        assertFalse(await((holder == a ? b : a).leave(room, NickClaim.exact("carol"))),
            "a node cannot give up another's nick");
        assertTrue(await(holder.leave(room, NickClaim.exact("carol"))));
        assertEquals("carol", await((holder == a ? b : a).join(room, exact("carol"))));
        assertEquals(22, await(a.members(room)).size());
    }

    @Test
    void lookAlikeNicksClaimedOnTwoNodesAtOnceAreNeverBothGranted() throws Exception {
        String room = randomRoom();
        RedisRoomStore a = node();
        RedisRoomStore b = node();
        int rounds = 25;
        List<CompletableFuture<String>> races = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            // Latin and Cyrillic, in both orders of arrival: one key, so one nick.
            races.add(a.join(room, List.of(chat("alice" + i))).toCompletableFuture());
            races.add(b.join(room, List.of(chat(CYRILLIC_ALICE + i))).toCompletableFuture());
            races.add(b.join(room, List.of(chat("Bob" + i))).toCompletableFuture());
            races.add(a.join(room, List.of(chat("b\u043Eb" + i))).toCompletableFuture());
        }
        for (int i = 0; i < 2 * rounds; i++) {
            String first = races.get(2 * i).get(WAIT_SECONDS, TimeUnit.SECONDS);
            String second = races.get(2 * i + 1).get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertTrue(first == null ^ second == null, "exactly one of " + first + ", " + second);
        }
        assertEquals(2 * rounds, await(a.members(room)).size());

        // With suffixed forms to fall back on, both get a nick, never two that read the same.
        CompletableFuture<String> fromA = a.join(room, List.of(chat("carol"), chat("carol#2"))).toCompletableFuture();
        CompletableFuture<String> fromB = b.join(room, List.of(chat("CAROL"), chat("CAROL#2"))).toCompletableFuture();
        String nickA = fromA.get(WAIT_SECONDS, TimeUnit.SECONDS);
        String nickB = fromB.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(Set.of(ChatNames.key("carol"), ChatNames.key("carol#2")),
            Set.of(ChatNames.key(nickA), ChatNames.key(nickB)), nickA + " and " + nickB);

        // A leave frees the key: the other node now gets its look-alike.
        RedisRoomStore holder = races.get(0).get() != null ? a : b;
        String held = holder == a ? "alice0" : CYRILLIC_ALICE + "0";
        String other = holder == a ? CYRILLIC_ALICE + "0" : "alice0";
        RedisRoomStore otherNode = holder == a ? b : a;
        assertNull(await(otherNode.join(room, List.of(chat(other)))), "still held");
        assertTrue(await(holder.leave(room, chat(held))));
        assertEquals(other, await(otherNode.join(room, List.of(chat(other)))));
    }

    @Test
    void aLookAlikeKeyWhoseNickWasRemovedBehindItsBackIsFree() throws Exception {
        // An older node's purge (or an operator's HDEL) removes the nick but not its key; the key must not keep the
        // nick and its look-alikes taken while the room lives.
        String room = randomRoom();
        RoomStoreConfig config = fast().build();
        RedisRoomStore a = node(config);
        assertEquals("alice", await(a.join(room, List.of(chat("alice")))));
        RoomKeys keys = new RoomKeys(config.keyPrefix(), room);
        Process cli = new ProcessBuilder("redis-cli", "-u", serverOf(room).uri(), "HDEL", keys.nicks, "alice")
            .redirectErrorStream(true).start();
        assertTrue(cli.waitFor(WAIT_SECONDS, TimeUnit.SECONDS), "redis-cli ended");
        assertEquals("1", new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
        assertEquals(CYRILLIC_ALICE, await(node().join(room, List.of(chat(CYRILLIC_ALICE)))));
    }

    @Test
    void membersOfANodeThatDiesWithoutAWordLeavePresence() throws Exception {
        String room = randomRoom();
        RedisRoomStore dying = node();
        RedisRoomStore surviving = node();
        RecordingListener heard = subscribe(surviving, room);
        assertEquals("alice", await(dying.join(room, List.of(chat("alice")))));
        assertEquals("bob", await(surviving.join(room, exact("bob"))));
        assertNull(await(surviving.join(room, List.of(chat(CYRILLIC_ALICE)))), "a look-alike of a held nick");
        heard.awaitPresence("+alice");
        assertEquals(Set.of("alice", "bob"), new HashSet<>(await(surviving.members(room))));

        nodes.remove(dying);
        dying.abandon();
        // The surviving node's next heartbeat after the dead node's lease ran out drops alice.
        heard.awaitPresence("-alice");
        assertEquals(List.of("bob"), await(surviving.members(room)));
        assertEquals(CYRILLIC_ALICE, await(surviving.join(room, List.of(chat(CYRILLIC_ALICE)))),
            "the dead node's nick lapsed with its key");
    }

    @Test
    void aNodeWhoseSubscriptionDropsCatchesUpFromTheStream() throws Exception {
        String room = randomRoom();
        RedisRoomStore listening = node();
        RecordingListener heard = subscribe(listening, room);
        List<RoomMessage> accepted;
        try (Poster poster = new Poster(node(), room)) {
            for (int kill = 0; kill < 3; kill++) {
                int before = poster.count();
                heard.awaitMessages(m -> m.size() >= before + 20, "messages before a kill");
                // Redis drops every subscriber connection; Lettuce reconnects and subscribes again.
                serverOf(room).command("CLIENT", "KILL", "TYPE", "pubsub");
            }
            int before = poster.count();
            heard.awaitMessages(m -> m.size() >= before + 20, "messages after the kills");
            poster.close();
            accepted = poster.accepted();
        }
        assertEquals(accepted, heard.awaitMessages(accepted.size()), "every message once, in order");
    }

    @Test
    void postsFailClearlyWhileRedisIsPausedAndNoneOfThemAppearsLater() throws Exception {
        String room = randomRoom();
        RedisRoomStore a = node();
        RedisRoomStore b = node();
        RecordingListener heardA = subscribe(a, room);
        RecordingListener heardB = subscribe(b, room);
        await(a.post(room, "before"));
        RedisServer server = serverOf(room);
        server.pause();
        try {
            ExecutionException failed = assertThrows(ExecutionException.class, () -> await(a.post(room, "during")));
            assertInstanceOf(RoomStoreException.class, failed.getCause());
            assertTrue(failed.getCause().getMessage().contains("did not answer"), failed.getCause().getMessage());
            whilePaused(room);
        } finally {
            server.resume();
        }
        String after = postUntilAccepted(b, room, "after");
        assertTrue(after != null);
        List<String> expected = List.of("before", "after");
        assertEquals(expected, bodies(heardA.awaitMessages(m -> bodies(m).contains("after"), "after")));
        assertEquals(expected, bodies(heardB.awaitMessages(m -> bodies(m).contains("after"), "after")));
        assertEquals(expected, bodies(await(a.history(room, null, 100)).messages()));
    }

    /** What else the test checks while the room's server is paused (a cluster: other masters still serve). */
    void whilePaused(String room) throws Exception {
    }

    @Test
    void nothingAcceptedIsLostWhenRedisIsKilledAndRestarted() throws Exception {
        String room = randomRoom();
        RedisRoomStore a = node();
        RecordingListener heardA = subscribe(a, room);
        RecordingListener heardB = subscribe(node(), room);
        List<RoomMessage> accepted;
        try (Poster poster = new Poster(a, room)) {
            heardB.awaitMessages(m -> m.size() >= 30, "messages before the kill");
            serverOf(room).restart();
            int before = poster.count();
            heardB.awaitMessages(m -> m.size() >= before + 30, "messages after the restart");
            poster.close();
            accepted = poster.accepted();
        }
        assertTrue(postUntilAccepted(a, room, "marker") != null);
        List<RoomMessage> history = await(a.history(room, null, 1000)).messages();
        assertEquals("marker", history.get(history.size() - 1).body());
        assertTrue(history.containsAll(accepted), "every accepted post is in the history");
        assertEquals(history.size(), new HashSet<>(bodies(history)).size(), "and only once");
        assertEquals(history, heardA.awaitMessages(m -> bodies(m).contains("marker"), "the marker"));
        assertEquals(history, heardB.awaitMessages(m -> bodies(m).contains("marker"), "the marker"));
    }

    /** Posts until Redis accepts (it may still be reconnecting); bounded. */
    static String postUntilAccepted(RedisRoomStore node, String room, String body) throws Exception {
        for (int attempt = 0; attempt < 100; attempt++) {
            try {
                return await(node.post(room, body));
            } catch (ExecutionException e) {
                Thread.sleep(100);
            }
        }
        return null;
    }
}
