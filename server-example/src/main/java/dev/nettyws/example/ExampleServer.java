package dev.nettyws.example;

import dev.nettyws.extension.deflate.PerMessageDeflateConfig;
import dev.nettyws.protocol.ConnectionConfig;
import dev.nettyws.server.BoundServer;
import dev.nettyws.server.WebSocketServerConfig;
import dev.nettyws.server.WebSocketServerInitializer;
import dev.nettyws.transport.Transport;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Objects;

/**
 * The example server: the {@code /echo} service on one port, with a 404 for everything else. {@link Main} starts it
 * from the command line; tests start it in-process on an ephemeral port.
 *
 * <p>Thread-safe: {@link #close()} may be called from any thread except the server's event loops.
 */
public final class ExampleServer implements AutoCloseable {
    /** The path of the echo service. */
    public static final String ECHO_PATH = "/echo";
    /** The default largest frame and message of {@code /echo}: 16 MiB. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 << 20;

    private final BoundServer server;

    private ExampleServer(BoundServer server) {
        this.server = server;
    }

    /**
     * The configuration of {@code /echo} with permessage-deflate on: {@code echoConfig(maxMessageBytes, true)}.
     *
     * @param maxMessageBytes the frame, message and aggregation limit, in bytes
     */
    public static WebSocketServerConfig echoConfig(int maxMessageBytes) {
        return echoConfig(maxMessageBytes, true);
    }

    /**
     * The configuration of {@code /echo}: frames, messages and aggregated messages up to {@code maxMessageBytes}
     * (a bigger one is closed with 1009), fragmented messages aggregated so that they are echoed as one message,
     * room for two such messages in the outbound queue (an echo is written before {@link EchoHandler} stops reading),
     * permessage-deflate (RFC 7692, {@link PerMessageDeflateConfig#DEFAULT}) for clients that offer it when
     * {@code deflate} is set (inflated messages are held to the same limit), the defaults otherwise.
     *
     * @param maxMessageBytes the frame, message and aggregation limit, in bytes
     * @param deflate whether permessage-deflate is negotiated
     */
    public static WebSocketServerConfig echoConfig(int maxMessageBytes, boolean deflate) {
        ConnectionConfig connection = ConnectionConfig.DEFAULT.toBuilder()
            .maxPendingWriteBytes(Math.max(ConnectionConfig.DEFAULT_MAX_PENDING_WRITE_BYTES, 2L * maxMessageBytes))
            .build();
        return WebSocketServerConfig.builder().path(ECHO_PATH).maxMessageLength(maxMessageBytes)
            .connection(connection).deflate(deflate).build();
    }

    /**
     * Starts the server.
     *
     * @param transport the socket transport
     * @param address where to listen (port 0 for a free one)
     * @param maxMessageBytes the largest {@code /echo} frame and message
     * @param listener told about every connection opening and closing
     * @return the running server; the caller closes it
     * @throws InterruptedException if interrupted while binding
     */
    public static ExampleServer start(Transport transport, InetSocketAddress address, int maxMessageBytes,
                                      ConnectionListener listener) throws InterruptedException {
        return start(transport, address, echoConfig(maxMessageBytes), listener);
    }

    /**
     * Starts the server with a configuration of its own for {@code /echo}, for example {@link #echoConfig} with
     * shorter timeouts for a test.
     *
     * @param transport the socket transport
     * @param address where to listen (port 0 for a free one)
     * @param config the endpoint's configuration; its path should be {@link #ECHO_PATH}
     * @param listener told about every connection opening and closing
     * @return the running server; the caller closes it
     * @throws InterruptedException if interrupted while binding
     */
    public static ExampleServer start(Transport transport, InetSocketAddress address, WebSocketServerConfig config,
                                      ConnectionListener listener) throws InterruptedException {
        Objects.requireNonNull(listener, "listener");
        WebSocketServerInitializer initializer = new WebSocketServerInitializer(config,
            () -> new EchoHandler(listener));
        return new ExampleServer(BoundServer.bind(transport, 0, address, initializer));
    }

    /** The resolved transport. */
    public Transport transport() {
        return server.transport();
    }

    /** The bound address. */
    public InetSocketAddress localAddress() {
        return server.localAddress();
    }

    /** The URL of {@code /echo}, with the bound port. */
    public URI echoUri() {
        InetSocketAddress address = localAddress();
        String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getAddress().getHostAddress();
        if (host.indexOf(':') >= 0) {
            host = '[' + host + ']';
        }
        return URI.create("ws://" + host + ':' + address.getPort() + ECHO_PATH);
    }

    /** Blocks until the server socket closes. */
    public void awaitClose() {
        server.closeFuture().awaitUninterruptibly();
    }

    /**
     * Stops listening and ends every connection: WebSocket connections get a close frame with 1001 (going away) and
     * close with the close handshake or their close timeout, others close at once (see {@link BoundServer#close()}).
     */
    @Override
    public void close() {
        server.close();
    }
}
