package dev.nettyws.testkit;

import dev.nettyws.client.WebSocketClient;
import dev.nettyws.client.WebSocketClientConfig;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.util.concurrent.Future;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Unit tests a client-side WebSocket handler: runs the real client pipeline (nettyws' handshaker, then frame codec,
 * connection handler, aggregator and the application handler under test) on an
 * {@link io.netty.channel.embedded.EmbeddedChannel}, and plays a scripted server:
 *
 * <pre>{@code
 * try (WebSocketClientTester server = WebSocketClientTester.create(URI.create("ws://example.com/feed"),
 *         WebSocketClientConfig.DEFAULT, new FeedHandler())) {
 *     server.acceptHandshake();
 *     server.sendText("{\"price\":42}");
 *     assertEquals("ack 42", server.readText());
 * }
 * }</pre>
 *
 * <p>Frames the tester sends are unmasked like a real server's; frames the client writes must be masked (RFC 6455
 * §5.3) and well formed, or the read fails. See {@link WebSocketTester} for threads and buffers.
 */
public final class WebSocketClientTester extends WebSocketTester {
    private Future<HandshakeCompletedEvent> handshake;

    private WebSocketClientTester() {
        super(false);
    }

    /**
     * A tester running the pipeline {@link WebSocketClient} builds for {@code uri}; the handshake request is written
     * at once, as on a fresh connection.
     *
     * @param uri the {@code ws://} or {@code wss://} URI the client connects to (no TLS is run)
     * @param config the client's settings, as in production
     * @param application the handler under test, added once the handshake succeeds
     */
    public static WebSocketClientTester create(URI uri, WebSocketClientConfig config, ChannelHandler application) {
        WebSocketClientTester tester = new WebSocketClientTester();
        tester.handshake = WebSocketClient.install(tester.channel().pipeline(), uri, config, application)
            .handshakeFuture();
        tester.channel().runPendingTasks();
        tester.addEventRecorder();
        return tester;
    }

    /** How the client's handshake ended, or is still pending. */
    public Future<HandshakeCompletedEvent> handshakeFuture() {
        return handshake;
    }

    /**
     * Reads the client's opening handshake request.
     *
     * @throws AssertionError if the client wrote no complete request
     */
    public HttpMessage readHandshakeRequest() {
        ByteBuf written = drainWritten();
        HttpMessage request = HttpMessage.read(written);
        written.discardReadBytes();
        if (request == null) {
            throw new AssertionError("the client wrote no complete HTTP request");
        }
        return request;
    }

    /**
     * Reads the client's handshake request, checks it (RFC 6455 §4.1: a GET with {@code Upgrade: websocket},
     * {@code Connection: Upgrade}, version 13 and a key) and accepts it with a 101 answer.
     *
     * @param extraHeaders header lines to add to the 101, such as {@code "Sec-WebSocket-Protocol: chat"}
     * @return the request
     * @throws AssertionError if the request is not a valid opening handshake
     */
    public HttpMessage acceptHandshake(String... extraHeaders) {
        HttpMessage request = readHandshakeRequest();
        String key = request.header("Sec-WebSocket-Key");
        if (!request.startLine().startsWith("GET ") || !request.hasToken("Upgrade", "websocket")
            || !request.hasToken("Connection", "upgrade") || !"13".equals(request.header("Sec-WebSocket-Version"))
            || key == null) {
            throw new AssertionError("not a valid opening handshake (RFC 6455 §4.1):\n" + request);
        }
        StringBuilder response = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Accept: ").append(Accept.of(key)).append("\r\n");
        for (String header : extraHeaders) {
            response.append(header).append("\r\n");
        }
        respond(response.append("\r\n").toString());
        if (handshake.isDone() && !handshake.isSuccess()) {
            throw new AssertionError("the client refused the handshake", handshake.cause());
        }
        return request;
    }

    /**
     * Sends a raw HTTP response to the handshake (a refusal such as {@code "HTTP/1.1 403 Forbidden\r\n...\r\n\r\n"},
     * or a deliberately broken 101).
     */
    public void respond(String httpResponse) {
        sendRaw(Objects.requireNonNull(httpResponse, "httpResponse").getBytes(StandardCharsets.ISO_8859_1));
    }

    /** After close frames went both ways the server closes TCP (RFC 6455 §7.1.1): the tester does it. */
    @Override
    void finishCloseHandshake() {
        if (channel().isOpen()) {
            dropConnection();
        }
    }
}
