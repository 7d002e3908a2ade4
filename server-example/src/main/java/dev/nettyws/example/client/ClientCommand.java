package dev.nettyws.example.client;

import dev.nettyws.client.WebSocketClient;
import dev.nettyws.client.WebSocketClientConfig;
import dev.nettyws.frame.BinaryFrame;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.handshake.ClientHandshakeConfig;
import dev.nettyws.protocol.ConnectionConfig;
import dev.nettyws.protocol.WebSocketClosedEvent;
import dev.nettyws.protocol.WebSocketSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code chat-server.jar client URI}: a terminal WebSocket client. Sends every line read from standard input as a
 * text message and prints every text message received on its own line on standard output (a binary message as a
 * short note on standard error). At the end of input it closes with 1000 (normal closure) and exits once the server
 * has answered and closed the connection, or after the close timeout.
 *
 * <p>Exit codes: 0 after a normal close (ours at end of input, or the server's with 1000); 1 when the connection or
 * the opening handshake fails; 3 when the server closes with another code, breaks the protocol, does not complete
 * the close handshake in time, or the connection is lost. Messages are aggregated, so a fragmented message prints as
 * one line; a quiet connection is kept alive with pings every 30 seconds. Errors go to
 * standard error with the reason.
 *
 * <p>Runs on the calling thread; reading standard input happens on one extra daemon thread, so a server that closes
 * ends the command even while input is still open. The network work runs on the client's single event loop.
 */
@Command(name = "client", mixinStandardHelpOptions = true,
    description = "Connects to a WebSocket server, sends each line of standard input as a text message and prints "
        + "each text message received.")
public final class ClientCommand implements Callable<Integer> {
    /** Exit code when the connection or the handshake fails. */
    public static final int EXIT_CONNECT_FAILED = 1;
    /** Exit code when the server closed with a code other than 1000, or the connection was lost. */
    public static final int EXIT_ABNORMAL_CLOSE = 3;

    /** Keeps a quiet interactive session open: the server's pongs count as activity for the idle timeout. */
    private static final Duration KEEPALIVE = Duration.ofSeconds(30);

    @Parameters(index = "0", paramLabel = "URI", description = "ws:// or wss:// URI, e.g. ws://127.0.0.1:8080/chat")
    private URI uri;

    @Option(names = "--subprotocol", paramLabel = "NAME", description = "Offer this subprotocol (repeatable).")
    private List<String> subprotocols = new ArrayList<>();

    @Option(names = "--origin", paramLabel = "ORIGIN", description = "Send this Origin header.")
    private String origin;

    @Option(names = {"-H", "--header"}, paramLabel = "NAME:VALUE", description = "Send this header (repeatable).")
    private List<String> headers = new ArrayList<>();

    @Option(names = "--trust", paramLabel = "PEM", description = "Trust the certificate(s) in this PEM file for wss "
        + "instead of the system's CAs.")
    private Path trust;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
        description = "Handshake timeout, and the close timeout (default: ${DEFAULT-VALUE}).")
    private long timeoutSeconds;

    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;

    /** A command on the process's standard streams. */
    public ClientCommand() {
        this(System.in, System.out, System.err);
    }

    /**
     * A command on the given streams, for tests and embedding.
     *
     * @param in lines to send, UTF-8
     * @param out where received text messages go
     * @param err where notes and errors go
     */
    public ClientCommand(InputStream in, PrintStream out, PrintStream err) {
        this.in = in;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws Exception {
        WebSocketClientConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException | IOException | CertificateException e) {
            err.println("error: " + e.getMessage());
            return EXIT_CONNECT_FAILED;
        }
        try (WebSocketClient client = new WebSocketClient(config)) {
            Session session = new Session();
            Future<Channel> connected;
            try {
                connected = client.connect(uri, session);
            } catch (IllegalArgumentException e) {
                err.println("error: " + e.getMessage());
                return EXIT_CONNECT_FAILED;
            }
            // The handshake timeout bounds the connect as well; the margin only covers scheduling.
            if (!connected.await(timeoutSeconds + 5, TimeUnit.SECONDS) || !connected.isSuccess()) {
                Throwable cause = connected.cause();
                err.println("error: cannot connect to " + uri + ": " + (cause == null ? "timed out"
                    : cause.getMessage() == null ? cause.toString() : cause.getMessage()));
                connected.cancel(false);
                return EXIT_CONNECT_FAILED;
            }
            Channel channel = connected.getNow();
            Thread reader = new Thread(() -> pump(channel, session), "stdin");
            reader.setDaemon(true);
            reader.start();
            return session.result();
        }
    }

    private WebSocketClientConfig config() throws IOException, CertificateException {
        ClientHandshakeConfig.Builder handshake = ClientHandshakeConfig.builder().subprotocols(subprotocols)
            .origin(origin).handshakeTimeout(Duration.ofSeconds(timeoutSeconds));
        for (String header : headers) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("header must be NAME:VALUE: " + header);
            }
            handshake.header(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
        }
        WebSocketClientConfig.Builder config = WebSocketClientConfig.builder().threads(1)
            .handshake(handshake.build()).aggregate(true)
            .connection(ConnectionConfig.builder().closeTimeout(Duration.ofSeconds(timeoutSeconds))
                .pingInterval(KEEPALIVE).build());
        if (trust != null) {
            List<X509Certificate> certificates = new ArrayList<>();
            try (InputStream pem = Files.newInputStream(trust)) {
                for (java.security.cert.Certificate certificate : CertificateFactory.getInstance("X.509")
                        .generateCertificates(pem)) {
                    certificates.add((X509Certificate) certificate);
                }
            }
            config.trustCertificates(certificates.toArray(new X509Certificate[0]));
        }
        return config.build();
    }

    /** Sends stdin's lines, then closes; on the reader thread. */
    private void pump(Channel channel, Session session) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            ChannelFuture last = null;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!channel.isActive()) {
                    return;
                }
                last = channel.writeAndFlush(new TextFrame(line));
                if (!channel.isWritable()) {
                    // Backpressure: do not queue more than the channel's high water mark.
                    last.awaitUninterruptibly(timeoutSeconds, TimeUnit.SECONDS);
                }
            }
        } catch (IOException e) {
            err.println("error: reading standard input: " + e.getMessage());
        }
        // The ConnectionHandler sends the close frame, waits for the server's answer and its TCP close (§7.1.1),
        // at most the close timeout; a close already under way (the server's) is left alone.
        if (channel.isActive()) {
            WebSocketSession.of(channel).close(CloseStatus.NORMAL_CLOSURE, "");
        }
    }

    /**
     * The application handler: prints messages and decides the exit code from the
     * {@link WebSocketClosedEvent}. Runs on the channel's event loop; releases every frame.
     */
    private final class Session extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<Integer> exit = new CompletableFuture<>();
        private WebSocketClosedEvent closed;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                // The aggregator delivers every message whole, as one final text or binary frame.
                if (msg instanceof TextFrame) {
                    out.println(((TextFrame) msg).text());
                    out.flush();
                } else if (msg instanceof BinaryFrame) {
                    ByteBuf data = ((BinaryFrame) msg).content();
                    int shown = Math.min(16, data.readableBytes());
                    err.println("[binary message, " + data.readableBytes() + " bytes: "
                        + ByteBufUtil.hexDump(data, data.readerIndex(), shown)
                        + (data.readableBytes() > shown ? "...]" : "]"));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof WebSocketClosedEvent) {
                closed = (WebSocketClosedEvent) evt;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            err.println("error: " + (cause.getMessage() == null ? cause.toString() : cause.getMessage()));
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            exit.complete(exitCode());
            ctx.fireChannelInactive();
        }

        private int exitCode() {
            if (closed == null || closed.statusCode() == CloseStatus.ABNORMAL_CLOSURE) {
                err.println(closed != null && !closed.remote()
                    ? "error: the server did not complete the close handshake within " + timeoutSeconds + " s"
                    : "error: the connection was lost without a close frame (1006)");
                return EXIT_ABNORMAL_CLOSE;
            }
            if (closed.statusCode() == CloseStatus.NORMAL_CLOSURE && closed.clean()) {
                return 0;
            }
            err.println("error: " + (closed.remote() ? "the server closed" : "closed") + " the connection with "
                + closed.statusCode() + " (" + CloseStatus.name(closed.statusCode()) + ")"
                + (closed.reason().isEmpty() ? "" : ": " + closed.reason()));
            return EXIT_ABNORMAL_CLOSE;
        }

        /** Waits until the connection has closed and returns the exit code. */
        int result() throws InterruptedException, ExecutionException {
            // Bounded by the connection: every way it ends (server close, close timeout) runs channelInactive.
            return exit.get();
        }
    }
}
