package dev.nettyws.bench.h2;

import dev.nettyws.client.WebSocketClient;
import dev.nettyws.client.WebSocketClientConfig;
import dev.nettyws.frame.Frame;
import dev.nettyws.protocol.WebSocketSession;
import dev.nettyws.server.WebSocketHttp2;
import dev.nettyws.server.WebSocketServer;
import dev.nettyws.server.WebSocketServerConfig;
import dev.nettyws.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a WebSocket costs over HTTP/2 (RFC 8441: an extended CONNECT on an open connection) against HTTP/1.1 (a new
 * TCP connection and an upgrade): the time of one handshake, sequential, as the client sees it (connect to
 * {@code HandshakeCompletedEvent}), and the heap retained per open WebSocket, client and server together in this JVM,
 * after GC. One server port speaks both (the HTTP/2 preface selects HTTP/2).
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
                    if (round > 0) {
                        System.out.println(line);
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
                if (WebSocketSession.of(ch).handshake().request().isHttp2() != http2) {
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
