package dev.nettyws.example.chat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.example.ConnectionListener;
import dev.nettyws.example.ExampleServer;
import dev.nettyws.example.Tls;
import dev.nettyws.example.chat.ChatSettings;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.transport.Transport;
import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebDriver;

/**
 * The chat page in headless Chromium over {@code https} with HTTP/2 (ALPN h2): the server sees each browser's chat
 * WebSocket arrive as an RFC 8441 extended CONNECT on a stream of the connection that carried the page (a stream
 * after the page's own), and two browsers chat both ways. The example uses a self-signed certificate, which
 * Chromium is told to accept. Chromium and chromedriver are Debian's, see {@link Browsers}.
 */
class BrowserHttp2ChatTest {
    private final Browsers browsers = new Browsers();

    @AfterEach
    void quit() throws IOException {
        browsers.close();
    }

    @Test
    void chatWebSocketsRideOnThePagesHttp2Connection() throws Exception {
        Map<String, Channel> opened = new ConcurrentHashMap<>();
        Map<String, HandshakeCompletedEvent> handshakes = new ConcurrentHashMap<>();
        ConnectionListener listener = new ConnectionListener() {
            @Override
            public void opened(Channel channel, HandshakeCompletedEvent handshake) {
                String nick = handshake.queryParameter("nick");
                opened.put(String.valueOf(nick), channel);
                handshakes.put(String.valueOf(nick), handshake);
            }
        };
        Tls.SelfSigned tls = Tls.selfSigned();
        try (ExampleServer server = ExampleServer.start(Transport.AUTO, new InetSocketAddress("127.0.0.1", 0),
                ExampleServer.echoConfig(ExampleServer.DEFAULT_MAX_MESSAGE_BYTES), ChatSettings.DEFAULT,
                tls.context(), listener)) {
            String url = server.pageUri().toString();
            assertTrue(url.startsWith("https://"), url);
            WebDriver alice = browsers.open("--ignore-certificate-errors");
            WebDriver bob = browsers.open("--ignore-certificate-errors");
            Browsers.join(alice, url, "alice", "rooftop");
            Browsers.join(bob, url, "bob", "rooftop");
            for (String nick : List.of("alice", "bob")) {
                HandshakeCompletedEvent handshake = handshakes.get(nick);
                assertTrue(handshake != null, "no handshake for " + nick + ": " + handshakes.keySet());
                assertTrue(handshake.request().isHttp2(), nick + ": " + handshake.request());
                assertEquals("CONNECT", handshake.request().method());
                Http2StreamChannel stream = assertInstanceOf(Http2StreamChannel.class, opened.get(nick));
                // Client streams are odd and rise: the page and its script and style came first on this connection.
                assertTrue(stream.stream().id() > 1, nick + "'s WebSocket is stream " + stream.stream().id());
            }
            assertTrue(opened.get("alice").parent() != opened.get("bob").parent(), "one connection per browser");

            Browsers.say(alice, "over HTTP/2 from alice");
            Browsers.await(() -> Browsers.texts(bob, "#messages li.message .text").contains("over HTTP/2 from alice"),
                "bob sees alice's message");
            Browsers.say(bob, "and back from bob");
            Browsers.await(() -> Browsers.texts(alice, "#messages li.message .text").contains("and back from bob"),
                "alice sees bob's reply");
        }
    }
}
