package dev.nettyws.example;

import dev.nettyws.example.chat.ChatRooms;
import dev.nettyws.example.chat.ChatSettings;
import dev.nettyws.example.chat.LocalRoomStore;
import dev.nettyws.example.chat.RedisChatRooms;
import dev.nettyws.example.chat.RoomMeters;
import dev.nettyws.example.client.ClientCommand;
import dev.nettyws.example.cluster.RedisRoomStore;
import dev.nettyws.example.cluster.RoomStoreConfig;
import dev.nettyws.server.WebSocketServerConfig;
import dev.nettyws.transport.Transport;
import io.netty.handler.ssl.SslContext;
import io.netty.util.NetUtil;
import java.io.File;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Entry point of {@code chat-server.jar}, one picocli command: without a subcommand it runs the example server
 * (the chat page and {@code /chat}, and {@code /echo}) until the process is stopped; {@code client URI} runs the
 * terminal client ({@link ClientCommand}). Options are parsed on the main thread, which then waits for the server
 * socket to close.
 *
 * <p>Exit codes of the server: 0 when stopped by SIGTERM or Ctrl-C (a shutdown hook first closes every WebSocket
 * connection with 1001), 1 when it cannot start (for example the port is taken), 2 for bad arguments.
 */
@Command(name = "chat-server", mixinStandardHelpOptions = true, sortOptions = false,
    subcommands = {ClientCommand.class},
    description = {
        "The nettyws example server: the chat page at /, the chat service at /chat?room=NAME&nick=NAME, and a "
            + "WebSocket echo at /echo (text as text, binary as binary, a fragmented message as one message). Other "
            + "paths get 404.",
        "Use the 'client' subcommand for a terminal WebSocket client."
    })
public final class Main implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    @Spec
    private CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
        description = "Address to listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "N",
        description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--transport", defaultValue = "auto", paramLabel = "auto|epoll|io_uring|nio",
        description = "Socket transport; auto is epoll when available, else nio (default: ${DEFAULT-VALUE}).")
    private Transport transport;

    @Option(names = "--max-message-bytes", defaultValue = "" + ExampleServer.DEFAULT_MAX_MESSAGE_BYTES,
        paramLabel = "N", description = "Largest /echo frame and message in bytes; a bigger one is closed with "
            + "1009 (default: ${DEFAULT-VALUE}, 1 MiB; conformance runs raise it).")
    private int maxMessageBytes;

    @Option(names = "--no-deflate", description = "Do not negotiate permessage-deflate (RFC 7692) on /echo and /chat.")
    private boolean noDeflate;

    @Option(names = "--history", defaultValue = "100", paramLabel = "N",
        description = "Messages kept per chat room and sent to whoever joins (default: ${DEFAULT-VALUE}).")
    private int history;

    @Option(names = "--max-text-bytes", defaultValue = "4096", paramLabel = "N",
        description = "Longest chat message text in bytes as sent (UTF-8 with JSON escapes); a longer one gets an "
            + "error (default: ${DEFAULT-VALUE}).")
    private int maxTextBytes;

    @Option(names = "--rate", defaultValue = "5", paramLabel = "N",
        description = "Chat messages a client may send per second, in bursts of twice as many; more get an error "
            + "(default: ${DEFAULT-VALUE}).")
    private int rate;

    @Option(names = "--idle-timeout", defaultValue = "300", paramLabel = "SECONDS",
        description = "Close a chat connection silent both ways this long with 1001; keepalive pings go out at half "
            + "of it; 0 for never (default: ${DEFAULT-VALUE}).")
    private int idleTimeoutSeconds;

    @Option(names = "--allowed-origins", split = ",", paramLabel = "ORIGIN",
        description = "Origins of other sites whose pages may open /chat and /echo, e.g. https://chat.example.com "
            + "(comma-separated); * for any. The server's own pages are always allowed (default: none).")
    private List<String> allowedOrigins = new ArrayList<>();

    @Option(names = "--allowed-hosts", split = ",", paramLabel = "HOST",
        description = "Host names the WebSocket endpoints answer to besides IP addresses and localhost, e.g. "
            + "chat.example.com or .example.com for a domain (comma-separated); * for any. --host is included when it "
            + "is a name (default: none).")
    private List<String> allowedHosts = new ArrayList<>();

    @Option(names = "--max-connections-per-address", defaultValue = ""
        + WebSocketServerConfig.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, paramLabel = "N",
        description = "Connections one client address (IPv6: one /64) may hold open; further ones are closed at once; "
            + "0 for no limit (default: ${DEFAULT-VALUE}).")
    private int maxConnectionsPerAddress;

    @Option(names = "--tls", description = "Serve https and wss; without --cert/--key with a self-signed "
        + "certificate for localhost made at start.")
    private boolean tls;

    @Option(names = "--cert", paramLabel = "PEM", description = "Certificate chain for --tls (with --key).")
    private File cert;

    @Option(names = "--key", paramLabel = "PEM", description = "Private key for --tls, PKCS#8 (with --cert).")
    private File key;

    @Option(names = "--redis", paramLabel = "URI",
        description = "Run as one node of a cluster sharing the chat rooms through Redis: redis://HOST:PORT, "
            + "rediss:// for TLS, or a Redis Cluster's comma-separated seed nodes. History (--history), ids, nicks "
            + "and presence then live in Redis (default: none, a single process).")
    private String redis;

    @Option(names = "--metrics-port", paramLabel = "N",
        description = "Serve metrics in Prometheus format at http://HOST:N/metrics (connections, closes by code, "
            + "refused handshakes by status, wire bytes, messages, deliveries, delivery lag, JVM; with --redis also "
            + "the Redis round trip of posts); 0 picks a free port (default: off).")
    private Integer metricsPort;

    /** The metrics with {@code --metrics-port}. */
    private ServerMetrics metrics;

    /** The node's connection to Redis with {@code --redis}, closed after the server. */
    private RedisRoomStore redisStore;

    /**
     * Runs the command line and exits with its code.
     *
     * @param args options, or a subcommand and its arguments; {@code --help} lists them
     */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line parser; transport names are case-insensitive. */
    static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public Integer call() {
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port must be 0-65535: " + port);
        }
        if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535)) {
            throw new ParameterException(spec.commandLine(), "--metrics-port must be 0-65535: " + metricsPort);
        }
        if (maxMessageBytes < 0) {
            throw new ParameterException(spec.commandLine(), "--max-message-bytes must be >= 0: " + maxMessageBytes);
        }
        ChatSettings chat = chatSettings();
        ServerAccess access = serverAccess();
        if ((cert == null) != (key == null)) {
            throw new ParameterException(spec.commandLine(), "--cert and --key go together");
        }
        ExampleServer server;
        try {
            SslContext sslContext = sslContext();
            if (metricsPort != null) {
                metrics = new ServerMetrics();
                LOG.info("metrics at http://{}/metrics", NetUtil.toSocketAddressString(
                    metrics.serve(new InetSocketAddress(host, metricsPort))));
            }
            ChatRooms rooms = chatRooms(chat);
            if (rooms == null) {
                closeAfterServer();
                return 1;
            }
            server = ExampleServer.start(transport, new InetSocketAddress(host, port),
                ExampleServer.echoConfig(maxMessageBytes, !noDeflate), rooms, sslContext, access,
                metrics == null ? ConnectionListener.NONE : metrics);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            closeAfterServer();
            LOG.error("cannot listen on {}:{} ({}): {}", host, port, transport, e.toString());
            return 1;
        }
        // SIGTERM and SIGINT (Ctrl-C) start the JVM's shutdown: the hook closes every connection with 1001 and
        // then ends the process with 0, a clean stop on request, instead of the JVM's 143 or 130. The hook is only
        // registered while the server runs, so other exits keep their codes.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopOnSignal(server, this::closeAfterServer),
            "chat-server-shutdown"));
        InetSocketAddress bound = server.localAddress();
        LOG.info("listening on {}:{} with transport {}{}; chat at {} ({}), echo at {} (max message {} bytes, "
            + "permessage-deflate {})",
            bound.getAddress().getHostAddress(), bound.getPort(), server.transport().displayName(),
            tls ? " and TLS" : "", server.pageUri(), server.chatUri(), server.echoUri(), maxMessageBytes,
            noDeflate ? "off" : "on");
        LOG.info("WebSocket pages from the same origin{}; hosts: IP addresses, localhost{}; {} connections per address",
            access.allowedOrigins().isEmpty() ? "" : " and " + access.allowedOrigins(),
            access.allowedHosts().isEmpty() ? "" : ", " + access.allowedHosts(),
            access.maxConnectionsPerAddress() == 0 ? "no limit of" : "at most " + access.maxConnectionsPerAddress());
        server.awaitClose();
        return 0;
    }

    /** The chat service: in this process, or with {@code --redis} in Redis; null (logged) if Redis is unreachable. */
    private ChatRooms chatRooms(ChatSettings chat) {
        if (redis == null) {
            return metrics == null ? new ChatRooms(chat) : new ChatRooms(chat,
                new LocalRoomStore(chat, new RoomMeters(metrics.registry())), System::currentTimeMillis);
        }
        // Lettuce on epoll like the server's auto transport, rather than warning at startup that it prefers epoll
        // over io_uring.
        if (System.getProperty("io.lettuce.core.iouring") == null) {
            System.setProperty("io.lettuce.core.iouring", "false");
        }
        RoomStoreConfig config = RoomStoreConfig.builder().streamLength(Math.max(1, history)).build();
        try {
            redisStore = RedisRoomStore.connect(redis, config);
        } catch (RuntimeException e) {
            LOG.error("cannot use Redis ({}): {}", redisForLog(), e.getMessage());
            return null;
        }
        LOG.info("cluster node {} on Redis {} ({}); members of a node that dies leave presence within {} s",
            redisStore.nodeId(), redisForLog(), redisStore.isCluster() ? "Redis Cluster" : "standalone",
            (config.lease().toMillis() + config.heartbeatInterval().toMillis()) / 1000);
        RoomMeters meters = metrics == null ? RoomMeters.NONE : new RoomMeters(metrics.registry());
        return new ChatRooms(chat, new RedisChatRooms(chat, redisStore, meters), System::currentTimeMillis);
    }

    /** The Redis URI without credentials. */
    private String redisForLog() {
        return redis.replaceAll("//[^@/,]*@", "//***@");
    }

    /** Closes the Redis connection and the metrics endpoint, once the server is closed (or failed to start). */
    private void closeAfterServer() {
        if (redisStore != null) {
            redisStore.close();
            redisStore = null;
        }
        if (metrics != null) {
            metrics.close();
            metrics = null;
        }
    }

    private static void stopOnSignal(ExampleServer server, Runnable afterServer) {
        LOG.info("stopping: closing every connection with 1001");
        server.close();
        afterServer.run();
        LOG.info("stopped");
        System.out.flush();
        System.err.flush();
        // Exit status 0 for a requested stop; halt, because exit() would block inside a shutdown hook.
        Runtime.getRuntime().halt(0);
    }

    private ChatSettings chatSettings() {
        try {
            return ChatSettings.DEFAULT.withHistory(history).withMaxTextBytes(maxTextBytes)
                .withIdleTimeout(Duration.ofSeconds(idleTimeoutSeconds)).withDeflate(!noDeflate)
                .withRate(rate, 2 * rate);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private ServerAccess serverAccess() {
        List<String> hosts = new ArrayList<>(allowedHosts);
        if (!NetUtil.isValidIpV4Address(host) && !NetUtil.isValidIpV6Address(host) && !hosts.contains(host)) {
            // Bound by name: the name reaches the server, so it is one of its hosts.
            hosts.add(host);
        }
        try {
            return new ServerAccess(allowedOrigins, hosts, maxConnectionsPerAddress);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private SslContext sslContext() throws Exception {
        if (!tls && cert == null) {
            return null;
        }
        if (cert != null) {
            return Tls.fromPem(cert, key);
        }
        Tls.SelfSigned selfSigned = Tls.selfSigned();
        LOG.info("TLS with a self-signed certificate for {} (browsers will warn)",
            selfSigned.certificate().getSubjectX500Principal().getName());
        return selfSigned.context();
    }
}
