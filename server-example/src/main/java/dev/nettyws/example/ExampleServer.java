package dev.nettyws.example;

import dev.nettyws.example.chat.ChatHandler;
import dev.nettyws.example.chat.ChatRooms;
import dev.nettyws.example.chat.ChatSettings;
import dev.nettyws.example.chat.http.HttpChatService;
import dev.nettyws.example.chat.http.HttpChatSettings;
import dev.nettyws.extension.deflate.PerMessageDeflateConfig;
import dev.nettyws.protocol.ConnectionConfig;
import dev.nettyws.server.BoundServer;
import dev.nettyws.server.WebSocketServerConfig;
import dev.nettyws.transport.Transport;
import io.netty.channel.ChannelFuture;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Objects;

/**
 * The example server, on one port: the chat page at {@code /} (with its script and style sheet), the chat service
 * at {@code /chat} ({@link ChatHandler}) and over plain HTTP under {@code /chat/} ({@link HttpChatService}: Server-Sent
 * Events, long and short polling), the echo service at {@code /echo} ({@link EchoHandler}), and 404 for everything
 * else; optionally over TLS. {@link Main} starts it from the command line; tests start it in-process on
 * an ephemeral port. See {@link ExampleServerInitializer} for the pipeline.
 *
 * <p>Thread-safe: {@link #close()} may be called from any thread except the server's event loops.
 */
public final class ExampleServer implements AutoCloseable {
    /** The path of the echo service. */
    public static final String ECHO_PATH = "/echo";
    /**
     * The default largest frame and message of {@code /echo}: 1 MiB, sized for a service on the internet, where the
     * limit multiplies with the number of connections (the server-wide memory budget bounds the sum; see
     * {@link dev.nettyws.frame.MemoryBudget}). Conformance runs raise it with {@code --max-message-bytes}.
     */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1 << 20;

    private final BoundServer server;
    private final boolean tls;
    private final ChatRooms rooms;
    private final HttpChatService httpChat;

    private ExampleServer(BoundServer server, boolean tls, ChatRooms rooms, HttpChatService httpChat) {
        this.server = server;
        this.tls = tls;
        this.rooms = rooms;
        this.httpChat = httpChat;
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
     * room for two such messages in the outbound queue (the builder's rule leaves room for one message written while
     * the channel is writable; {@link EchoHandler} echoes everything one read decodes before it stops reading, which
     * may be a message of the limit and more), permessage-deflate (RFC 7692, {@link PerMessageDeflateConfig#DEFAULT})
     * for clients that offer it when {@code deflate} is set (inflated messages are held to the same limit), the
     * defaults otherwise.
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
        return start(transport, address, config, ChatSettings.DEFAULT, null, listener);
    }

    /**
     * Starts the server with every setting.
     *
     * @param transport the socket transport
     * @param address where to listen (port 0 for a free one)
     * @param echo the configuration of {@code /echo}; its path should be {@link #ECHO_PATH}
     * @param chat the settings of {@code /chat}
     * @param sslContext a server TLS context for {@code https} and {@code wss}, or null for plain TCP
     * @param listener told about every connection opening and closing
     * @return the running server; the caller closes it
     * @throws InterruptedException if interrupted while binding
     */
    public static ExampleServer start(Transport transport, InetSocketAddress address, WebSocketServerConfig echo,
                                      ChatSettings chat, SslContext sslContext, ConnectionListener listener)
            throws InterruptedException {
        return start(transport, address, echo, chat, sslContext, ServerAccess.DEFAULT, listener);
    }

    /**
     * Starts the server with every setting, and who may reach it.
     *
     * @param transport the socket transport
     * @param address where to listen (port 0 for a free one)
     * @param echo the configuration of {@code /echo}; its path should be {@link #ECHO_PATH}
     * @param chat the settings of {@code /chat}
     * @param sslContext a server TLS context for {@code https} and {@code wss}, or null for plain TCP
     * @param access the origins and hosts of both endpoints, and the connections per client address
     * @param listener told about every connection opening and closing
     * @return the running server; the caller closes it
     * @throws InterruptedException if interrupted while binding
     */
    public static ExampleServer start(Transport transport, InetSocketAddress address, WebSocketServerConfig echo,
                                      ChatSettings chat, SslContext sslContext, ServerAccess access,
                                      ConnectionListener listener) throws InterruptedException {
        return start(transport, address, echo, new ChatRooms(chat), sslContext, access, listener);
    }

    /**
     * Starts the server with a chat service of the caller's, such as one whose rooms live in Redis
     * ({@link dev.nettyws.example.chat.RedisChatRooms}: one node of a cluster).
     *
     * @param transport the socket transport
     * @param address where to listen (port 0 for a free one)
     * @param echo the configuration of {@code /echo}; its path should be {@link #ECHO_PATH}
     * @param rooms the chat service of {@code /chat}, with its settings
     * @param sslContext a server TLS context for {@code https} and {@code wss}, or null for plain TCP
     * @param access the origins and hosts of both endpoints, and the connections per client address
     * @param listener told about every connection opening and closing
     * @return the running server; the caller closes it
     * @throws InterruptedException if interrupted while binding
     */
    public static ExampleServer start(Transport transport, InetSocketAddress address, WebSocketServerConfig echo,
                                      ChatRooms rooms, SslContext sslContext, ServerAccess access,
                                      ConnectionListener listener) throws InterruptedException {
        return start(transport, address, echo, rooms, HttpChatSettings.DEFAULT, sslContext, access, listener);
    }

    /**
     * Starts the server with every setting, the limits of the chat's HTTP transports too.
     *
     * @param transport the socket transport
     * @param address where to listen (port 0 for a free one)
     * @param echo the configuration of {@code /echo}; its path should be {@link #ECHO_PATH}
     * @param rooms the chat service of {@code /chat} and of its HTTP transports, with its settings
     * @param http the limits of the chat over HTTP (Server-Sent Events, long and short polling)
     * @param sslContext a server TLS context for {@code https} and {@code wss}, or null for plain TCP
     * @param access the origins and hosts of both endpoints, and the connections per client address
     * @param listener told about every connection opening and closing
     * @return the running server; the caller closes it
     * @throws InterruptedException if interrupted while binding
     */
    public static ExampleServer start(Transport transport, InetSocketAddress address, WebSocketServerConfig echo,
                                      ChatRooms rooms, HttpChatSettings http, SslContext sslContext,
                                      ServerAccess access, ConnectionListener listener) throws InterruptedException {
        Objects.requireNonNull(listener, "listener");
        ChatSettings chat = rooms.settings();
        HttpChatService httpChat = new HttpChatService(rooms, http, access.allowedOrigins(), access.allowedHosts(),
            sslContext != null);
        ExampleServerInitializer initializer = new ExampleServerInitializer(sslContext, access.applyTo(echo),
            access.applyTo(chat.serverConfig()), rooms, httpChat, listener);
        return new ExampleServer(BoundServer.bind(transport, 0, address, initializer), sslContext != null, rooms,
            httpChat);
    }

    /** The resolved transport. */
    public Transport transport() {
        return server.transport();
    }

    /** The bound address. */
    public InetSocketAddress localAddress() {
        return server.localAddress();
    }

    /** The URL of {@code /echo}, with the bound port: {@code ws://} or, with TLS, {@code wss://}. */
    public URI echoUri() {
        return URI.create((tls ? "wss://" : "ws://") + authority() + ECHO_PATH);
    }

    /** The URL of {@code /chat} without a query: {@code ws://} or, with TLS, {@code wss://}. */
    public URI chatUri() {
        return URI.create((tls ? "wss://" : "ws://") + authority() + ChatSettings.PATH);
    }

    /** The URL of the chat page: {@code http://} or, with TLS, {@code https://}. */
    public URI pageUri() {
        return URI.create((tls ? "https://" : "http://") + authority() + '/');
    }

    /** How many accepted connections are open now. */
    public int openConnections() {
        return server.connections().size();
    }

    /** The chat rooms. */
    public ChatRooms rooms() {
        return rooms;
    }

    /** The chat over HTTP (its sessions). */
    public HttpChatService httpChat() {
        return httpChat;
    }

    /** Host and port of the URLs; 127.0.0.1 for the wildcard address. */
    private String authority() {
        InetSocketAddress address = localAddress();
        String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getAddress().getHostAddress();
        if (host.indexOf(':') >= 0) {
            host = '[' + host + ']';
        }
        return host + ':' + address.getPort();
    }

    /** Completes when the server socket closes. */
    public ChannelFuture closeFuture() {
        return server.closeFuture();
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
