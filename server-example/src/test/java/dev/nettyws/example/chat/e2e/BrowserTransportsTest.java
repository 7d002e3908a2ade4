package dev.nettyws.example.chat.e2e;

import static dev.nettyws.example.chat.e2e.Browsers.await;
import static dev.nettyws.example.chat.e2e.Browsers.join;
import static dev.nettyws.example.chat.e2e.Browsers.say;
import static dev.nettyws.example.chat.e2e.Browsers.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nettyws.example.ConnectionListener;
import dev.nettyws.example.ExampleServer;
import dev.nettyws.example.ServerAccess;
import dev.nettyws.example.chat.ChatRooms;
import dev.nettyws.example.chat.ChatSettings;
import dev.nettyws.example.chat.http.HttpChatSettings;
import dev.nettyws.transport.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The chat page on each of its transports in headless Chromium ({@link Browsers}): two browsers on different
 * transports chat with each other (Server-Sent Events with WebSocket, long polling with polling every 200 ms), each
 * page shows its transport, and a page whose WebSocket cannot open (its handshakes are refused, as behind a proxy
 * that does not pass upgrades) falls back to long polling by itself and chats on.
 */
class BrowserTransportsTest {
    private final Browsers browsers = new Browsers();

    @AfterEach
    void quit() throws IOException {
        browsers.close();
    }

    private static ExampleServer start() throws InterruptedException {
        return ExampleServer.start(Transport.AUTO, new InetSocketAddress("127.0.0.1", 0),
            ExampleServer.echoConfig(ExampleServer.DEFAULT_MAX_MESSAGE_BYTES), new ChatRooms(ChatSettings.DEFAULT),
            HttpChatSettings.DEFAULT, null, ServerAccess.DEFAULT, ConnectionListener.NONE);
    }

    private static String transport(WebDriver driver) {
        return driver.findElement(By.id("transport")).getText();
    }

    /** Two pages on the given transports join a room, say one thing each, and both see both, once, in order. */
    private void chat(ExampleServer server, String first, String second, String room) throws IOException {
        WebDriver a = browsers.open();
        WebDriver b = browsers.open();
        join(a, server.pageUri() + first, "ann", room);
        join(b, server.pageUri() + second, "bob", room);
        await(() -> texts(a, "#presence li").contains("bob"), "ann sees bob in presence");
        say(a, "hello from ann");
        await(() -> texts(b, "#messages li.message .text").contains("hello from ann"), "bob sees ann's message");
        say(b, "hello from bob");
        await(() -> texts(a, "#messages li.message .text").size() == 2, "ann sees both messages");
        List<String> both = List.of("hello from ann", "hello from bob");
        assertEquals(both, texts(a, "#messages li.message .text"));
        await(() -> texts(b, "#messages li.message .text").size() == 2, "bob sees both messages");
        assertEquals(both, texts(b, "#messages li.message .text"));
    }

    @ParameterizedTest(name = "{3} with {4}")
    @CsvSource({
        "?transport=sse, '', sse-ws, Server-Sent Events, WebSocket",
        "?transport=longpoll, ?transport=poll&interval=200, polls, long polling, polling"})
    void twoTransportsChat(String first, String second, String room, String firstShown, String secondShown)
            throws Exception {
        try (ExampleServer server = start()) {
            chat(server, first, second, room);
            List<WebDriver> pages = browsers.opened();
            assertEquals(firstShown, transport(pages.get(0)));
            assertEquals(secondShown, transport(pages.get(1)));
        }
    }

    @Test
    void aWebSocketThatCannotOpenFallsBackToLongPolling() throws Exception {
        try (ExampleServer server = start()) {
            ChromeDriver page = browsers.open();
            // As behind a proxy that does not pass upgrades: every WebSocket handshake of the page goes to a path
            // the server answers with 404, before the page's own script runs.
            page.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                "window.WebSocket = class extends WebSocket { constructor(url, protocols) {"
                    + " super(url.replace('/chat?', '/no-websocket?'), protocols); } };"));
            join(page, server.pageUri().toString(), "ann", "fallback");
            assertEquals("long polling", transport(page));
            assertEquals(1, server.httpChat().sessionCount());
            say(page, "still here");
            await(() -> texts(page, "#messages li.message .text").contains("still here"),
                "the message comes back");
        }
    }
}
