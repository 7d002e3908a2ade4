package dev.nettyws.example.chat.e2e;

import static dev.nettyws.example.chat.e2e.Browsers.await;
import static dev.nettyws.example.chat.e2e.Browsers.join;
import static dev.nettyws.example.chat.e2e.Browsers.say;
import static dev.nettyws.example.chat.e2e.Browsers.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.example.ConnectionListener;
import dev.nettyws.example.ExampleServer;
import dev.nettyws.example.ServerAccess;
import dev.nettyws.example.chat.ChatJson;
import dev.nettyws.example.chat.ChatRooms;
import dev.nettyws.example.chat.ChatSettings;
import dev.nettyws.example.chat.RedisChatRooms;
import dev.nettyws.example.cluster.RedisRoomStore;
import dev.nettyws.example.cluster.RedisServer;
import dev.nettyws.example.cluster.RedisServers;
import dev.nettyws.example.cluster.RoomStoreConfig;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.protocol.WebSocketSession;
import dev.nettyws.transport.Transport;
import io.netty.channel.Channel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The chat page in a real browser: two headless Chromium sessions join a room through the page served by the
 * example server and see each other's messages and presence, under the page's Content-Security-Policy; and a page
 * whose connection drops comes back asking for the messages after the last one it showed, and shows each once.
 * Chromium is started by {@link Browsers}. A screenshot of the second session is
 * saved as {@code target/chat-e2e.png}.
 */
class BrowserChatTest {
    private static final Duration TIMEOUT = Browsers.TIMEOUT;

    private final Browsers browsers = new Browsers();

    @AfterEach
    void quit() throws IOException {
        browsers.close();
    }

    private WebDriver browser() throws IOException {
        return browsers.open();
    }

    @Test
    void twoBrowsersJoinARoomAndSeeEachOthersMessages() throws Exception {
        List<String> extensions = new CopyOnWriteArrayList<>();
        ConnectionListener listener = new ConnectionListener() {
            @Override
            public void opened(Channel channel, HandshakeCompletedEvent handshake) {
                extensions.add(handshake.extensions());
            }
        };
        try (ExampleServer server = ExampleServer.start(Transport.AUTO, new InetSocketAddress("127.0.0.1", 0),
                ExampleServer.echoConfig(ExampleServer.DEFAULT_MAX_MESSAGE_BYTES), ChatSettings.DEFAULT, null,
                listener)) {
            String url = server.pageUri().toString();
            WebDriver alice = browser();
            WebDriver bob = browser();
            join(alice, url, "alice", "garden");
            join(bob, url, "bob", "garden");
            await(() -> texts(alice, "#presence li").contains("bob"), "alice sees bob in presence");
            assertTrue(texts(bob, "#presence li").containsAll(List.of("alice", "bob (you)")),
                () -> texts(bob, "#presence li").toString());

            say(alice, "Hello from Alice <b>not bold</b>");
            await(() -> texts(bob, "#messages li.message .text").contains("Hello from Alice <b>not bold</b>"),
                "bob sees alice's message, as text");
            say(bob, "Hi Alice, Bob here");
            await(() -> texts(alice, "#messages li.message .text").contains("Hi Alice, Bob here"),
                "alice sees bob's reply");
            await(() -> texts(bob, "#messages li.message .text").size() == 2, "bob sees both messages");
            assertTrue(bob.findElements(By.cssSelector("#messages b")).isEmpty(), "text is not parsed as HTML");
            // Chromium offers permessage-deflate (RFC 7692) and the chat accepts it: the messages Chromium sent
            // above were compressed; the chat's broadcasts, encoded once for every member, go out uncompressed.
            assertEquals(2, extensions.size(), extensions::toString);
            for (String negotiated : extensions) {
                assertTrue(negotiated.startsWith("permessage-deflate"), extensions::toString);
            }

            assertPageRunsUnderItsContentSecurityPolicy(bob);

            Path screenshot = Path.of("target", "chat-e2e.png");
            Files.createDirectories(screenshot.getParent());
            byte[] png = ((ChromeDriver) bob).getScreenshotAs(OutputType.BYTES);
            Files.write(screenshot, png);
            assertTrue(png.length > 1000, "a screenshot of " + png.length + " bytes");
        }
    }

    /**
     * The page's script, style sheet and WebSocket work under its policy (the chat above ran), nothing of its own was
     * refused, and the policy is enforced: an inline script does not run.
     */
    private static void assertPageRunsUnderItsContentSecurityPolicy(WebDriver driver) {
        JavascriptExecutor js = (JavascriptExecutor) driver;
        assertEquals("flex", js.executeScript(
            "return getComputedStyle(document.querySelector('header')).display"), "chat.css applied");
        js.executeScript("const s = document.createElement('script');"
            + " s.textContent = 'window.inlineRan = true'; document.body.appendChild(s);");
        assertEquals(Boolean.FALSE, js.executeScript("return window.inlineRan === true"), "inline script refused");
        List<String> refused = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            if (entry.getMessage().contains("Content Security Policy")) {
                refused.add(entry.getMessage());
            }
        }
        assertEquals(1, refused.size(), () -> "only the injected inline script is refused: " + refused);
        assertTrue(refused.get(0).contains("inline script"), refused::toString);
    }

    @Test
    void aPageThatLosesItsConnectionComesBackWithTheMessagesItMissedAndNoneTwice() throws Exception {
        Map<String, Channel> pages = new ConcurrentHashMap<>();
        List<String> pageTargets = new CopyOnWriteArrayList<>();
        ConnectionListener listener = new ConnectionListener() {
            @Override
            public void opened(Channel channel, HandshakeCompletedEvent handshake) {
                if ("alice".equals(handshake.queryParameter("nick"))) {
                    pages.put("alice", channel);
                    pageTargets.add(handshake.uri());
                }
            }
        };
        try (ExampleServer server = ExampleServer.start(Transport.AUTO, new InetSocketAddress("127.0.0.1", 0),
                ExampleServer.echoConfig(ExampleServer.DEFAULT_MAX_MESSAGE_BYTES), ChatSettings.DEFAULT, null,
                listener)) {
            WebDriver alice = browser();
            join(alice, server.pageUri().toString(), "alice", "orchard");
            BlockingQueue<String> carolSees = new LinkedBlockingQueue<>();
            WebSocket carol = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(
                URI.create(server.chatUri() + "?room=orchard&nick=carol"), new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            carolSees.add(text.toString());
                            text.setLength(0);
                        }
                        socket.request(1);
                        return null;
                    }
                }).get(30, TimeUnit.SECONDS);
            try {
                String lastShown = null;
                for (String text : List.of("one", "two")) {
                    post(carol, text);
                    lastShown = idOfMessage(carolSees, text);
                }
                await(() -> texts(alice, "#messages li.message .text").size() == 2, "alice sees one and two");

                // The server drops alice's connection; two more messages come while she reconnects.
                WebSocketSession.of(pages.get("alice")).close(1012, "service restart");
                for (String text : List.of("three", "four")) {
                    post(carol, text);
                }
                await(() -> pageTargets.size() == 2, "the page reconnected");
                assertTrue(pageTargets.get(1).endsWith("&since=" + lastShown), pageTargets::toString);
                await(() -> texts(alice, "#messages li.message .text").size() >= 4, "alice sees four messages");
                post(carol, "five");
                await(() -> texts(alice, "#messages li.message .text").contains("five"), "and the next one");
                assertEquals(List.of("one", "two", "three", "four", "five"),
                    texts(alice, "#messages li.message .text"), "each message once, in order");
            } finally {
                carol.abort();
            }
        }
    }

    /**
     * Two browsers on two nodes of a cluster (one Redis): they chat; then the node behind alice's page goes away (a
     * load balancer cuts her connection and sends the next one to the other node), bob talks meanwhile, and alice's
     * page comes back on bob's node with the messages it missed, each once and in order.
     */
    @Test
    void twoBrowsersOnTwoNodesAndAPageThatMovesToTheOtherNodeMissesNothing() throws Exception {
        try (RedisServer redis = RedisServers.standalone();
             // A config each: each node has its own random node id.
             RedisRoomStore storeA = RedisRoomStore.connect(redis.uri(), RoomStoreConfig.builder().build());
             RedisRoomStore storeB = RedisRoomStore.connect(redis.uri(), RoomStoreConfig.builder().build());
             ExampleServer nodeA = node(storeA);
             ExampleServer nodeB = node(storeB);
             SwitchingProxy balancer = new SwitchingProxy(nodeA.localAddress())) {
            WebDriver alice = browser();
            WebDriver bob = browser();
            join(alice, "http://127.0.0.1:" + balancer.port() + "/", "alice", "meadow");
            join(bob, nodeB.pageUri().toString(), "bob", "meadow");
            await(() -> texts(alice, "#presence li").contains("bob"), "alice sees bob, who is on the other node");
            say(alice, "hello from node A");
            await(() -> texts(bob, "#messages li.message .text").contains("hello from node A"), "bob sees it");
            say(bob, "hello from node B");
            await(() -> texts(alice, "#messages li.message .text").contains("hello from node B"), "alice sees it");

            balancer.switchTo(nodeB.localAddress());
            balancer.dropAll();
            await(() -> !"online".equals(alice.findElement(By.id("status")).getText()), "alice's page is cut off");
            say(bob, "while you were away 1");
            say(bob, "while you were away 2");
            await(() -> texts(alice, "#messages li.message .text").contains("while you were away 2"),
                "alice's page is back, on node B");
            say(alice, "back on node B");
            List<String> expected = List.of("hello from node A", "hello from node B", "while you were away 1",
                "while you were away 2", "back on node B");
            await(() -> texts(bob, "#messages li.message .text").size() == expected.size(), "bob sees five");
            await(() -> texts(alice, "#messages li.message .text").size() >= expected.size(), "alice sees five");
            assertEquals(expected, texts(alice, "#messages li.message .text"), "each message once, in order");
            assertEquals(expected, texts(bob, "#messages li.message .text"));
        }
    }

    private static ExampleServer node(RedisRoomStore store) throws InterruptedException {
        ChatRooms rooms = new ChatRooms(ChatSettings.DEFAULT, new RedisChatRooms(ChatSettings.DEFAULT, store),
            System::currentTimeMillis);
        return ExampleServer.start(Transport.AUTO, new InetSocketAddress("127.0.0.1", 0),
            ExampleServer.echoConfig(ExampleServer.DEFAULT_MAX_MESSAGE_BYTES), rooms, null, ServerAccess.DEFAULT,
            ConnectionListener.NONE);
    }

    private static void post(WebSocket socket, String text) throws Exception {
        socket.sendText("{\"type\":\"message\",\"text\":\"" + text + "\"}", true).get(30, TimeUnit.SECONDS);
    }

    /** Waits for the message event with {@code text} among what carol receives; returns its id. */
    private static String idOfMessage(BlockingQueue<String> events, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String event = events.poll(1, TimeUnit.SECONDS);
            if (event != null && event.startsWith("{\"type\":\"message\"")
                    && text.equals(ChatJson.parse(event).get("text").asText())) {
                return ChatJson.parse(event).get("id").asText();
            }
        }
        throw new AssertionError("no message " + text + " within " + TIMEOUT);
    }
}
