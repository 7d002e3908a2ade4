package dev.nettyws.bench.h2;

import dev.nettyws.client.WebSocketClient;
import dev.nettyws.client.WebSocketClientConfig;
import dev.nettyws.frame.BinaryFrame;
import dev.nettyws.frame.Frame;
import dev.nettyws.protocol.WebSocketSession;
import dev.nettyws.server.WebSocketHttp2;
import dev.nettyws.server.WebSocketServer;
import dev.nettyws.server.WebSocketServerConfig;
import dev.nettyws.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What a WebSocket costs over HTTP/2 (RFC 8441: an extended CONNECT on an open connection) against HTTP/1.1 (a new
 * TCP connection and an upgrade): the time of one handshake, sequential, as the client sees it (connect to
 * {@code HandshakeCompletedEvent}), the heap retained per open WebSocket, client and server together in this JVM,
 * after GC, and the echo throughput per CPU-second of the server's one event loop thread. One server port speaks
 * both (the HTTP/2 preface selects HTTP/2).
 *
 * <pre>
 *   java -cp benchmarks/target/benchmarks.jar dev.nettyws.bench.h2.Http2Footprint [WEBSOCKETS] [ROUNDS]
 * </pre>
 * WEBSOCKETS (default 100, at most 128: the server's SETTINGS_MAX_CONCURRENT_STREAMS) are opened per transport and
 * round; the first round warms up and is not reported.
 */
public final class Http2Footprint {
    private Http2Footprint() {
    }

    /** Runs the measurement and prints one line per transport and round. */
    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        WebSocketServerConfig endpoint = WebSocketServerConfig.builder().path("/ws").build();
        EventLoopGroup serverGroup = Transport.AUTO.newEventLoopGroup(1, "footprint-server");
        Channel server = new ServerBootstrap().group(serverGroup).channel(Transport.AUTO.serverChannelClass())
            .childHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new PrefaceSwitch(endpoint));
                }
            })
            .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        URI uri = URI.create("ws://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort() + "/ws");
        try {
            for (int round = 0; round < rounds; round++) {
                for (boolean http2 : new boolean[] {true, false}) {
                    String line = measure(uri, http2, count);
                    String echo = throughput(uri, http2, ECHO_SOCKETS, ECHO_MESSAGES);
                    if (round > 0) {
                        System.out.println(line);
                        System.out.println(echo);
                    }
                }
            }
        } finally {
            server.close().sync();
            serverGroup.shutdownGracefully().sync();
        }
    }

    private static String measure(URI uri, boolean http2, int count) throws Exception {
        try (WebSocketClient client = new WebSocketClient(WebSocketClientConfig.builder().threads(1).http2(http2)
                .build())) {
            if (http2) {
                // The connection itself is opened once, before the measured handshakes.
                client.connect(uri, new Sink()).sync().getNow().close().sync();
            }
            long before = usedHeap();
            long[] nanos = new long[count];
            List<Channel> open = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                long start = System.nanoTime();
                Channel ch = client.connect(uri, new Sink()).sync().getNow();
                nanos[i] = System.nanoTime() - start;
                if (WebSocketSession.of(ch).isHttp2() != http2) {
                    throw new IllegalStateException("wrong transport");
                }
                open.add(ch);
            }
            long after = usedHeap();
            Arrays.sort(nanos);
            long connections = http2 ? open.stream().map(Channel::parent).distinct().count() : count;
            for (Channel ch : open) {
                WebSocketSession.of(ch).close(1000, null).sync();
            }
            return String.format("%-8s websockets=%d tcpConnections=%d handshake median=%.0f us p90=%.0f us"
                    + "  heap per WebSocket (both ends)=%.1f KiB", http2 ? "HTTP/2" : "HTTP/1.1", count, connections,
                nanos[count / 2] / 1e3, nanos[count * 9 / 10] / 1e3, (after - before) / 1024.0 / count);
        }
    }

    private static final int ECHO_SOCKETS = 16;
    private static final int ECHO_MESSAGES = 20_000;
    private static final int IN_FLIGHT = 16;
    private static final int ECHO_SIZE = 32;

    /**
     * Echo throughput per server CPU-second: {@code sockets} WebSockets each send {@code messages} binary messages of
     * {@value #ECHO_SIZE} bytes, {@value #IN_FLIGHT} in flight, and count the echoes; the server's event loop
     * thread's CPU time is read before and after.
     */
    private static String throughput(URI uri, boolean http2, int sockets, int messages) throws Exception {
        try (WebSocketClient client = new WebSocketClient(WebSocketClientConfig.builder().threads(1).http2(http2)
                .build())) {
            CountDownLatch done = new CountDownLatch(sockets);
            List<Channel> open = new ArrayList<>();
            List<Pump> pumps = new ArrayList<>();
            for (int i = 0; i < sockets; i++) {
                Pump pump = new Pump(messages, done);
                pumps.add(pump);
                open.add(client.connect(uri, pump).sync().getNow());
            }
            long cpuBefore = serverCpuNanos();
            long start = System.nanoTime();
            for (int i = 0; i < sockets; i++) {
                Channel ch = open.get(i);
                Pump pump = pumps.get(i);
                ch.eventLoop().execute(() -> pump.start(ch));
            }
            if (!done.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("echo did not finish");
            }
            long wall = System.nanoTime() - start;
            long cpu = serverCpuNanos() - cpuBefore;
            for (Channel ch : open) {
                WebSocketSession.of(ch).close(1000, null).sync();
            }
            long total = (long) sockets * messages;
            return String.format("%-8s echo %d x %d B messages on %d WebSockets: %.0f messages per server CPU-second,"
                    + " %.0f per wall second", http2 ? "HTTP/2" : "HTTP/1.1", total, ECHO_SIZE, sockets,
                total / (cpu / 1e9), total / (wall / 1e9));
        }
    }

    /** CPU time of the server's event loop threads so far. */
    private static long serverCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("footprint-server")) {
                sum += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }

    /** Keeps {@value #IN_FLIGHT} messages in flight until {@code messages} echoes came back. */
    private static final class Pump extends ChannelInboundHandlerAdapter {
        private final int messages;
        private final CountDownLatch done;
        private int sent;
        private int received;

        Pump(int messages, CountDownLatch done) {
            this.messages = messages;
            this.done = done;
        }

        void start(Channel ch) {
            for (int i = 0; i < IN_FLIGHT; i++) {
                send(ch);
            }
            ch.flush();
        }

        private void send(Channel ch) {
            if (sent < messages) {
                sent++;
                ch.write(new BinaryFrame(Unpooled.wrappedBuffer(new byte[ECHO_SIZE])));
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            if (msg instanceof Frame && ++received == messages) {
                done.countDown();
            } else if (msg instanceof Frame) {
                send(ctx.channel());
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.channel().flush();
        }
    }

    private static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Releases whatever arrives. */
    private static final class Sink extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }

    /** HTTP/2 (WebSocketHttp2) when the client preface arrives, else HTTP/1.1 (WebSocketServer). */
    private static final class PrefaceSwitch extends ByteToMessageDecoder {
        private final WebSocketServerConfig endpoint;

        PrefaceSwitch(WebSocketServerConfig endpoint) {
            this.endpoint = endpoint;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            if (in.readableBytes() < 3) {
                return;
            }
            if (in.getByte(in.readerIndex()) == 'P' && in.getByte(in.readerIndex() + 1) == 'R') {
                WebSocketHttp2.install(ctx.pipeline(), endpoint, Echo::new, null);
            } else {
                ctx.pipeline().addLast(new HttpServerCodec());
                WebSocketServer.install(ctx.pipeline(), endpoint, Echo::new);
            }
            ctx.pipeline().remove(this);
        }
    }

    /** Writes every message back. */
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Frame) {
                ctx.writeAndFlush(msg);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }
    }
}
