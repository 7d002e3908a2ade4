package dev.nettyws.testkit;

import dev.nettyws.server.WebSocketServerConfig;
import dev.nettyws.server.WebSocketServerInitializer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Unit tests a server-side WebSocket handler: runs the real server pipeline (the HTTP codec, nettyws' upgrade handler
 * and the WebSocket handlers it installs, and the application handler under test) on an
 * {@link io.netty.channel.embedded.EmbeddedChannel}, and plays the client. A test reads like a conversation:
 *
 * <pre>{@code
 * try (WebSocketServerTester ws = WebSocketServerTester.create(config, EchoHandler::new)) {
 *     ws.handshake();
 *     ws.sendText("hello");
 *     assertEquals("hello", ws.readText());
 *     ws.sendClose(1000, "bye");
 *     ws.assertClosed(1000, "bye");
 * }   // fails here if the handler leaked a buffer
 * }</pre>
 *
 * <p>Frames the tester sends are masked like a real client's (RFC 6455 §5.3); frames the server writes must be
 * unmasked and well formed, or the read fails. See {@link WebSocketTester} for threads and buffers.
 */
public final class WebSocketServerTester extends WebSocketTester {
    private final String path;

    private WebSocketServerTester(String path) {
        super(true);
        this.path = path;
    }

    /**
     * A tester running {@code new WebSocketServerInitializer(config, application)}: the pipeline of a server built
     * with {@link dev.nettyws.server.WebSocketServer}, including its 404 for other paths.
     *
     * @param config the endpoint's configuration, as in production (use shorter timeouts freely: time is simulated)
     * @param application called for the application handler at the upgrade, as by the real server
     */
    public static WebSocketServerTester create(WebSocketServerConfig config,
                                               Supplier<? extends ChannelHandler> application) {
        Objects.requireNonNull(config, "config");
        return create(new WebSocketServerInitializer(config, application), config.handshake().path());
    }

    /**
     * A tester running a pipeline of the caller's own: {@code initializer} (typically the application's
     * {@code ChannelInitializer}) is added to the channel and sets it up as for an accepted connection.
     *
     * @param initializer the handler that builds the pipeline
     * @param path the request target {@link #handshake()} uses
     */
    public static WebSocketServerTester create(ChannelHandler initializer, String path) {
        Objects.requireNonNull(initializer, "initializer");
        WebSocketServerTester tester = new WebSocketServerTester(Objects.requireNonNull(path, "path"));
        tester.channel().pipeline().addLast(initializer);
        tester.channel().runPendingTasks();
        tester.addEventRecorder();
        return tester;
    }

    /**
     * Performs the opening handshake to the configured path and checks the 101 answer (RFC 6455 §4.2.2: status,
     * {@code Upgrade}, {@code Connection}, {@code Sec-WebSocket-Accept}).
     *
     * @return the server's response, for checking negotiated subprotocol or extensions
     * @throws AssertionError if the server did not accept
     */
    public HttpMessage handshake() {
        return handshake(UpgradeRequest.to(path));
    }

    /**
     * Performs the opening handshake with {@code request} (to offer subprotocols, send an Origin, extra headers) and
     * checks the 101 answer.
     *
     * @throws AssertionError if the server did not accept
     */
    public HttpMessage handshake(UpgradeRequest request) {
        HttpMessage response = request(request);
        if (response.status() != 101) {
            throw new AssertionError("expected 101 Switching Protocols but got:\n" + response);
        }
        if (!response.hasToken("Upgrade", "websocket") || !response.hasToken("Connection", "upgrade")) {
            throw new AssertionError("101 without Upgrade: websocket and Connection: Upgrade (RFC 6455 §4.2.2):\n"
                + response);
        }
        String key = request.header("Sec-WebSocket-Key");
        if (key != null && !Accept.of(key).equals(response.header("Sec-WebSocket-Accept"))) {
            throw new AssertionError("Sec-WebSocket-Accept should be " + Accept.of(key) + " (RFC 6455 §4.2.2):\n"
                + response);
        }
        return response;
    }

    /**
     * Sends {@code request} and returns the server's response, whatever it is: for tests of refused handshakes
     * (400, 403, 404, 421, 426 ...).
     *
     * @throws AssertionError if no complete response was written
     */
    public HttpMessage request(UpgradeRequest request) {
        sendRaw(request.bytes());
        ByteBuf written = drainWritten();
        HttpMessage response = HttpMessage.read(written);
        written.discardReadBytes();
        if (response == null) {
            throw new AssertionError("the server wrote no complete HTTP response to:\n" + request);
        }
        return response;
    }

    /** A server closes TCP itself once close frames went both ways (RFC 6455 §7.1.1): nothing to do. */
    @Override
    void finishCloseHandshake() {
        channel().runPendingTasks();
    }
}
