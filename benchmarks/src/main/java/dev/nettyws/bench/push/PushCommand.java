package dev.nettyws.bench.push;

import dev.nettyws.bench.ChildJvm;
import dev.nettyws.client.WebSocketClient;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The push benchmark behind the README's "Why WebSocket: measured": the example chat server in a JVM of its own,
 * N receivers in one room on one transport (WebSocket, Server-Sent Events, long polling, short polling every second
 * and every 100 ms), and a WebSocket poster sending messages at a steady rate. For each run it measures, over the
 * posting phase and until every message has arrived: bytes on the wire per delivered message in both directions
 * (counted at the receivers' sockets, {@link PushStats}), HTTP requests per delivered message, the latency from post
 * to each receiver (p50, p99, max), the server's CPU seconds per 1,000 delivered messages (from /proc), and the
 * server's live heap per connected receiver (after a full GC, against the server with the room and the poster
 * only), and it checks that every message arrived once.
 */
@Command(name = "push", mixinStandardHelpOptions = true,
    description = "Bytes, requests, latency, CPU and memory per delivered message for WebSocket, SSE and polling.")
public final class PushCommand implements Callable<Integer> {
    @Option(names = "--chat-jar", defaultValue = "server-example/target/chat-server.jar",
        description = "The example server's jar.")
    Path chatJar;

    @Option(names = "--transports", split = ",", defaultValue = "ws,sse,longpoll,poll-1s,poll-100ms",
        description = "Transports: ws, sse, longpoll, poll-<N>ms or poll-<N>s.")
    List<String> transports;

    @Option(names = "--clients", split = ",", defaultValue = "100,1000", description = "Receivers per run.")
    List<Integer> clients;

    @Option(names = "--rates", split = ",", defaultValue = "1,20", description = "Messages per second posted.")
    List<Integer> rates;

    @Option(names = "--seconds", defaultValue = "10", description = "How long each run posts.")
    int seconds;

    @Option(names = "--text-bytes", defaultValue = "48", description = "Length of each posted text.")
    int textBytes;

    @Option(names = "--sources", defaultValue = "32", description = "Loopback addresses the receivers come from.")
    int sources;

    @Option(names = "--server-heap", defaultValue = "512m", description = "-Xms and -Xmx of the server JVM.")
    String serverHeap;

    @Option(names = "--client-threads", defaultValue = "2", description = "Event loop threads of the receivers.")
    int clientThreads;

    @Option(names = "--browser-headers", description = "Send the headers a browser sends with each HTTP request "
        + "(about 560 bytes); results are labelled TRANSPORT+hdrs.")
    boolean browserHeaders;

    @Option(names = "--csv", defaultValue = "benchmarks/results/push.csv", description = "CSV file to append to.")
    Path csv;

    @Option(names = "--markdown", defaultValue = "benchmarks/results/push.md", description = "Table of this run.")
    Path markdown;

    @Option(names = "--chart", defaultValue = "benchmarks/results/push.png", description = "Chart of this run.")
    Path chart;

    @Option(names = "--replot", description = "Only draw the chart from the CSV (the last row of each transport, "
        + "clients and rate), without measuring.")
    boolean replot;

    /** Runs the command. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new PushCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (replot) {
            PushChart.write(PushChart.points(csv), chart);
            System.out.println("wrote " + chart);
            return 0;
        }
        List<PushResult> results = new ArrayList<>();
        for (int n : clients) {
            for (int rate : rates) {
                for (String transport : transports) {
                    PushResult result = measure(transport, n, rate);
                    System.out.println(result.line());
                    results.add(result);
                    append(result);
                }
            }
        }
        Files.createDirectories(markdown.toAbsolutePath().getParent());
        Files.writeString(markdown, PushResult.table(results));
        PushChart.write(PushChart.points(results), chart);
        System.out.println(PushResult.table(results));
        System.out.println("wrote " + csv + ", " + markdown + ", " + chart);
        return 0;
    }

    private void append(PushResult result) throws IOException {
        Files.createDirectories(csv.toAbsolutePath().getParent());
        if (!Files.exists(csv)) {
            Files.writeString(csv, PushResult.CSV_HEADER + "\n");
        }
        Files.writeString(csv, Instant.now() + "," + result.csv() + "\n", StandardOpenOption.APPEND);
    }

    /** The interval of a short polling transport in ms, or 0 for the others. */
    static long pollMillis(String transport) {
        if (!transport.startsWith("poll-")) {
            return 0;
        }
        String value = transport.substring(5);
        return value.endsWith("ms") ? Long.parseLong(value.substring(0, value.length() - 2))
            : Long.parseLong(value.substring(0, value.length() - 1)) * 1000;
    }

    private PushResult measure(String transport, int n, int rate) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        List<String> command = ChildJvm.java(null, serverHeap, "-XX:+UseParallelGC", "-jar", chatJar.toString(),
            "--port", Integer.toString(port), "--rate", "1000", "--max-connections-per-address", "0");
        System.out.printf("== %s, %,d clients, %d msg/s: %s%n", transport, n, rate, String.join(" ", command));
        String kind = transport.startsWith("poll-") ? "poll" : transport;
        long pollMillis = pollMillis(transport);
        try (ChildJvm server = ChildJvm.start(command, "listening", 60)) {
            PushStats stats = new PushStats(n);
            EventLoopGroup group = Transport.AUTO.resolve().newEventLoopGroup(clientThreads, "push-client");
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
            PushReceivers receivers = new PushReceivers(group, address, stats, "push", browserHeaders);
            List<Channel> channels = new ArrayList<>();
            try {
                // The poster joins first: the room exists in the baseline, only the receivers are in the difference.
                Channel poster = poster(group, port);
                Thread.sleep(500);
                long heapIdle = server.classHistogram().totalBytes();
                for (int i = 0; i < n; i++) {
                    channels.add(receivers.open(kind, i, new InetSocketAddress("127.0.0." + (2 + i % sources), 0),
                        pollMillis));
                    if (i % 100 == 99) {
                        // Joins in steps, so that a thousand handshakes do not queue on a busy machine at once.
                        await(() -> stats.joinedCount() >= channels.size() - 50, 60, "joins");
                    }
                }
                await(() -> stats.joinedCount() >= n, 120, n + " receivers joined");
                // The join storm (every join is announced to the room) settles before anything is measured.
                Thread.sleep(3000 + pollMillis);
                long heapLoaded = server.classHistogram().totalBytes();
                stats.reset();
                double cpu0 = server.cpuSeconds();
                long start = System.nanoTime();
                long interval = TimeUnit.SECONDS.toNanos(1) / rate;
                int posted = 0;
                for (long next = start; next < start + TimeUnit.SECONDS.toNanos(seconds); next += interval) {
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    posted++;
                    poster.writeAndFlush(new TextFrame(text(posted)));
                }
                long expected = (long) posted * n;
                await(() -> stats.delivered() >= expected, 30 + pollMillis / 1000, "every message delivered");
                double cpu = server.cpuSeconds() - cpu0;
                receivers.stop();
                String label = browserHeaders ? transport + "+hdrs" : transport;
                return new PushResult(label, n, rate, seconds, posted, stats.delivered(),
                    expected - stats.delivered(), stats.duplicates(), stats.reordered(), stats.bytesIn(),
                    stats.bytesOut(), stats.requests(), stats.latencyMillis(50), stats.latencyMillis(99),
                    stats.maxLatencyMillis(), cpu, (double) (heapLoaded - heapIdle) / n, receivers.failures());
            } finally {
                receivers.stop();
                for (Channel channel : channels) {
                    channel.close();
                }
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
        }
    }

    private String text(int seq) {
        StringBuilder text = new StringBuilder("P").append(seq).append(':').append(System.nanoTime()).append(':');
        while (text.length() < textBytes) {
            text.append('x');
        }
        return "{\"type\":\"message\",\"text\":\"" + text + "\"}";
    }

    private static Channel poster(EventLoopGroup group, int port) throws Exception {
        URI uri = URI.create("ws://127.0.0.1:" + port + "/chat?room=push&nick=poster");
        Channel[] holder = new Channel[1];
        Future<?>[] handshake = new Future<?>[1];
        holder[0] = new Bootstrap().group(group).channel(Transport.AUTO.resolve().channelClass())
            .handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    handshake[0] = WebSocketClient.install(ch.pipeline(), uri, PushReceivers.config(),
                        new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ReferenceCountUtil.release(msg);
                            }
                        }).handshakeFuture();
                }
            })
            .connect("127.0.0.1", port).sync().channel();
        if (!handshake[0].await(60, TimeUnit.SECONDS) || !handshake[0].isSuccess()) {
            throw new IOException("poster: " + handshake[0].cause());
        }
        return holder[0];
    }

    private static void await(BooleanSupplier done, long seconds, String what)
            throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                System.out.println("not within " + seconds + " s: " + what);
                return;
            }
            Thread.sleep(20);
        }
    }

    /** Locale-independent formatting for the tables. */
    static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
