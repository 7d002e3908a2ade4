package dev.nettyws.bench.load;

import dev.nettyws.bench.profile.ServerProfiler;
import dev.nettyws.frame.Frame;
import dev.nettyws.frame.FrameConfig;
import dev.nettyws.server.BoundServer;
import dev.nettyws.server.WebSocketServerConfig;
import dev.nettyws.server.WebSocketServerInitializer;
import dev.nettyws.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The echo servers the load tool launches, each in a JVM of its own so that its CPU time can be read from
 * {@code /proc/<pid>/stat}. All four use the same transport ({@code --transport}: epoll, io_uring or NIO), the same
 * bootstrap ({@link BoundServer}) and one event loop thread, and flush once per read batch.
 *
 * <ul>
 *   <li>{@code ours}: {@link WebSocketServerInitializer} with {@code /echo}, frames of up to 1 MiB, no aggregation
 *       (Netty's side has none either); the application handler writes every data frame back as it is (its payload
 *       is a slice of the read buffer; large ones go out without a copy).</li>
 *   <li>{@code netty}: {@code HttpServerCodec - HttpObjectAggregator - WebSocketServerProtocolHandler("/echo")},
 *       frames of up to 1 MiB, UTF-8 validation on (its default); the handler writes every data frame back.</li>
 *   <li>{@code raw}: 4-byte length prefix over TCP ({@code LengthFieldBasedFrameDecoder} and
 *       {@code LengthFieldPrepender}), every message written back: what a protocol with no WebSocket work costs.</li>
 *   <li>{@code bytes}: no codec at all; the echo handler writes back every buffer it reads as it is: the ceiling,
 *       what the transport and one handler cost.</li>
 * </ul>
 *
 * <p>Prints {@code LISTENING <port> <transport>} on stdout once bound, then serves until its standard input closes
 * (the load tool holds it open) or the process is killed. Lines on standard input are commands: {@code profile-start}
 * starts CPU sampling ({@link ServerProfiler}), {@code profile-stop PREFIX} writes the profile and prints
 * {@code PROFILED PREFIX}. Handlers run on the server's single event loop.
 */
@Command(name = "echo-server", mixinStandardHelpOptions = true,
    description = "An echo server for the load tool: ours, netty (websocketx), raw (length-prefixed TCP) or bytes.")
public final class EchoServer implements Callable<Integer> {
    /** The WebSocket path every server serves. */
    public static final String PATH = "/echo";
    /** The largest frame (and message) the servers accept. */
    public static final int MAX_MESSAGE = 1 << 20;

    @Option(names = "--kind", required = true, description = "ours, netty, raw or bytes")
    private ServerKind kind;

    @Option(names = "--transport", defaultValue = "auto", description = "auto, epoll, io_uring or nio "
        + "(default ${DEFAULT-VALUE})")
    private Transport transport;

    @Option(names = "--port", defaultValue = "0", description = "port on 127.0.0.1; 0 picks a free one")
    private int port;

    @Option(names = "--threads", defaultValue = "1", description = "event loop threads")
    private int threads;

    /**
     * Runs a server until standard input closes.
     *
     * @param args see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new EchoServer()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        try (BoundServer server = BoundServer.bind(transport, threads, new InetSocketAddress("127.0.0.1", port),
            childHandler(kind))) {
            System.out.println("LISTENING " + server.localAddress().getPort() + " " + server.transport().displayName());
            System.out.flush();
            serveCommands();
        }
        return 0;
    }

    /** Reads commands until the launcher closes our standard input. */
    private static void serveCommands() throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        ServerProfiler profiler = null;
        for (String line; (line = in.readLine()) != null; ) {
            if (line.equals("profile-start")) {
                profiler = ServerProfiler.load();
                System.out.println("PROFILING " + profiler.start());
            } else if (line.startsWith("profile-stop ") && profiler != null) {
                String prefix = line.substring("profile-stop ".length());
                profiler.stop(Path.of(prefix));
                System.out.println("PROFILED " + prefix);
            } else {
                System.out.println("unknown command: " + line);
            }
            System.out.flush();
        }
    }

    /**
     * The child handler for a kind of server.
     *
     * @param kind which server
     * @return a sharable handler for every accepted channel
     */
    public static ChannelHandler childHandler(ServerKind kind) {
        switch (kind) {
            case OURS:
                WebSocketServerConfig config = WebSocketServerConfig.builder()
                    .path(PATH)
                    .frames(FrameConfig.SERVER_DEFAULT.toBuilder().maxFramePayloadLength(MAX_MESSAGE)
                        .maxMessageLength(MAX_MESSAGE).build())
                    .aggregate(false)
                    .build();
                return new WebSocketServerInitializer(config, () -> Echo.OURS);
            case NETTY:
                return new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        WebSocketServerProtocolConfig protocol = WebSocketServerProtocolConfig.newBuilder()
                            .websocketPath(PATH)
                            .decoderConfig(WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(MAX_MESSAGE)
                                .build())
                            .build();
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                            new WebSocketServerProtocolHandler(protocol), Echo.NETTY);
                    }
                };
            case RAW:
                return new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(MAX_MESSAGE + 4, 0, 4, 0, 4),
                            new LengthFieldPrepender(4), Echo.ALL);
                    }
                };
            case BYTES:
                return new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(Echo.ALL);
                    }
                };
            default:
                throw new IllegalArgumentException("unknown server " + kind);
        }
    }

    /**
     * Writes back every message its server echoes (data frames, every length-prefixed message for raw TCP, every
     * buffer read for bytes) and releases the rest; flushes after each read batch. One handler for all four
     * servers, so they differ only in their codecs.
     */
    @ChannelHandler.Sharable
    public static final class Echo extends ChannelInboundHandlerAdapter {
        /** Our data frames. */
        public static final Echo OURS = new Echo(msg -> msg instanceof Frame && !((Frame) msg).isControl());
        /** Netty's text and binary frames. */
        public static final Echo NETTY = new Echo(msg -> msg instanceof TextWebSocketFrame
            || msg instanceof BinaryWebSocketFrame);
        /** Every message. */
        public static final Echo ALL = new Echo(msg -> true);

        private final Predicate<Object> echoed;

        private Echo(Predicate<Object> echoed) {
            this.echoed = echoed;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (echoed.test(msg)) {
                ctx.write(msg, ctx.voidPromise());
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }
}
