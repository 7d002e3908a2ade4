package dev.nettyws.bench.load;

import dev.nettyws.client.WebSocketClient;
import dev.nettyws.client.WebSocketClientConfig;
import dev.nettyws.frame.FrameConfig;
import dev.nettyws.handshake.ClientHandshakeConfig;
import dev.nettyws.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The end-to-end load tool: launches an {@link EchoServer} (ours, Netty's websocketx, length-prefixed raw TCP or the
 * unframed byte echo) on a chosen transport in a child JVM, opens {@code C} connections to it with our
 * {@link WebSocketClient} (or a plain Netty client for TCP; the client always runs on {@link Transport#AUTO}), keeps
 * {@code W} messages of {@code S} bytes in flight on each, and after a warm-up measures for a fixed time: messages
 * per second, MB/s (payload bytes echoed), round-trip latency p50/p99/p99.9 (HdrHistogram), and the server's CPU
 * time from {@code /proc/<pid>/stat} (the whole process, and its event loop thread alone, without the JIT compiler and
 * GC threads), so that servers are compared per server-CPU-second too. Prints progress every
 * second, appends one CSV row per run. With {@code --profile PREFIX} the server samples its CPU during the measured
 * window and writes {@code PREFIX.html} and {@code PREFIX.collapsed} ({@code scripts/bench-profile.sh}).
 *
 * <p>Pinning: {@code --server-cpus} runs the server under {@code taskset -c}; run this tool itself under
 * {@code taskset} on other cores (see {@code scripts/bench-load.sh}).
 *
 * <p>Threads: the main thread drives the run and prints; connections run on the client's event loops.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
    description = "Echo load against ours, netty (websocketx), raw or bytes (TCP); latency, throughput, server CPU.")
public final class LoadCommand implements Callable<Integer> {
    private static final String CSV_HEADER = "server,transport,kind,size,connections,in_flight,seconds,messages,"
        + "msgs_per_s,mb_per_s,p50_us,p99_us,p999_us,server_cpu_s,msgs_per_server_cpu_s,client_cpu_s,loop_cpu_s,"
        + "msgs_per_loop_cpu_s";

    @Option(names = "--server", required = true, description = "ours, netty, raw or bytes")
    private ServerKind server;

    @Option(names = "--transport", defaultValue = "auto", description = "the server's transport: auto, epoll, "
        + "io_uring or nio (default ${DEFAULT-VALUE})")
    private Transport transport;

    @Option(names = "--profile", description = "sample the server's CPU during the measured window and write "
        + "PREFIX.html (flame graph) and PREFIX.collapsed")
    private Path profile;

    @Option(names = "--connections", defaultValue = "100", description = "connections (default ${DEFAULT-VALUE})")
    private int connections;

    @Option(names = "--in-flight", defaultValue = "16", description = "messages in flight per connection "
        + "(default ${DEFAULT-VALUE})")
    private int inFlight;

    @Option(names = "--size", defaultValue = "32", description = "payload bytes (default ${DEFAULT-VALUE})")
    private int size;

    @Option(names = "--text", description = "send text frames (ASCII) instead of binary")
    private boolean text;

    @Option(names = "--warmup", defaultValue = "3", description = "warm-up seconds (default ${DEFAULT-VALUE})")
    private int warmupSeconds;

    @Option(names = "--duration", defaultValue = "10", description = "measured seconds (default ${DEFAULT-VALUE})")
    private int durationSeconds;

    @Option(names = "--server-cpus", description = "taskset -c CPU list for the server, e.g. 0")
    private String serverCpus;

    @Option(names = "--server-heap", defaultValue = "512m", description = "server -Xmx (default ${DEFAULT-VALUE})")
    private String serverHeap;

    @Option(names = "--client-threads", defaultValue = "1", description = "client event loops "
        + "(default ${DEFAULT-VALUE})")
    private int clientThreads;

    @Option(names = "--csv", description = "append the result to this CSV file")
    private Path csv;

    /**
     * Runs one load test.
     *
     * @param args see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadCommand()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (connections < 1 || inFlight < 1 || size < 1 || durationSeconds < 1 || warmupSeconds < 0) {
            throw new CommandLine.ParameterException(new CommandLine(this), "counts and durations must be positive");
        }
        PrintStream out = System.out;
        String kind = text ? "text" : "binary";
        ByteBuf payload = Unpooled.unreleasableBuffer(Unpooled.directBuffer(size).writeBytes(
            "x".repeat(size).getBytes(StandardCharsets.US_ASCII)));
        LoadStats stats = new LoadStats();
        try (ServerProcess process = ServerProcess.start(server, transport, serverCpus, serverHeap)) {
            out.printf(Locale.ROOT, "server %s (pid %d, %s, cpus %s) on port %d; %d connections x %d in flight, "
                    + "%d B %s%n", server.label(), process.pid(), process.transport(),
                serverCpus == null ? "any" : serverCpus, process.port(), connections, inFlight, size, kind);
            EventLoopGroup group = Transport.AUTO.newEventLoopGroup(clientThreads, "load-client");
            try {
                List<Channel> channels = connect(group, process.port(), payload, stats);
                Result result = measure(out, stats, process);
                for (Channel channel : channels) {
                    channel.close();
                }
                report(out, kind, result);
            } finally {
                group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            }
        }
        return 0;
    }

    private List<Channel> connect(EventLoopGroup group, int port, ByteBuf payload, LoadStats stats)
        throws Exception {
        List<Future<? extends Channel>> pending = new ArrayList<>();
        if (server.isWebSocket()) {
            WebSocketClientConfig config = WebSocketClientConfig.builder()
                .eventLoopGroup(group)
                .frames(FrameConfig.CLIENT_DEFAULT.toBuilder().maxFramePayloadLength(EchoServer.MAX_MESSAGE)
                    .maxMessageLength(EchoServer.MAX_MESSAGE).build())
                .aggregate(false)
                // A loaded machine can take more than the default 10 s to answer 100 handshakes.
                .handshake(ClientHandshakeConfig.builder().handshakeTimeout(Duration.ofSeconds(60)).build())
                .build();
            WebSocketClient client = new WebSocketClient(config);
            URI uri = URI.create("ws://127.0.0.1:" + port + EchoServer.PATH);
            for (int i = 0; i < connections; i++) {
                pending.add(client.connect(uri, new LoadConnection(server, text, payload, inFlight, stats)));
            }
        } else {
            Bootstrap bootstrap = new Bootstrap().group(group).channel(Transport.AUTO.channelClass())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (server == ServerKind.RAW) {
                            ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(EchoServer.MAX_MESSAGE + 4, 0, 4,
                                0, 4), new LengthFieldPrepender(4));
                        }
                        ch.pipeline().addLast(new LoadConnection(server, text, payload, inFlight, stats));
                    }
                });
            for (int i = 0; i < connections; i++) {
                pending.add(toChannelFuture(bootstrap.connect("127.0.0.1", port)));
            }
        }
        List<Channel> channels = new ArrayList<>();
        for (Future<? extends Channel> future : pending) {
            channels.add(future.get(30, TimeUnit.SECONDS));
        }
        return channels;
    }

    private static Future<Channel> toChannelFuture(ChannelFuture connect) {
        Promise<Channel> promise = connect.channel().eventLoop().newPromise();
        connect.addListener(f -> {
            if (f.isSuccess()) {
                promise.trySuccess(connect.channel());
            } else {
                promise.tryFailure(f.cause());
            }
        });
        return promise;
    }

    /** The measured window. */
    private static final class Result {
        double seconds;
        long messages;
        Histogram latencies;
        double serverCpuSeconds;
        double loopCpuSeconds;
        double clientCpuSeconds;
    }

    private Result measure(PrintStream out, LoadStats stats, ServerProcess process) throws Exception {
        long start = System.nanoTime();
        long previous = stats.messages();
        for (int s = 1; s <= warmupSeconds; s++) {
            previous = tick(out, stats, start, s, previous, "warm-up");
        }
        stats.interval();
        if (profile != null) {
            out.println("profiling the server on " + process.startProfile());
        }
        Result result = new Result();
        long messagesBefore = stats.messages();
        double serverCpuBefore = process.cpuSeconds();
        double loopCpuBefore = process.loopCpuSeconds();
        long clientCpuBefore = clientCpuNanos();
        long measureStart = System.nanoTime();
        result.latencies = new Histogram(3);
        previous = messagesBefore;
        for (int s = 1; s <= durationSeconds; s++) {
            previous = tick(out, stats, measureStart, s, previous, "measure");
            Histogram interval = stats.interval();
            result.latencies.add(interval);
        }
        result.seconds = (System.nanoTime() - measureStart) / 1e9;
        result.messages = stats.messages() - messagesBefore;
        result.serverCpuSeconds = process.cpuSeconds() - serverCpuBefore;
        result.loopCpuSeconds = process.loopCpuSeconds() - loopCpuBefore;
        result.clientCpuSeconds = (clientCpuNanos() - clientCpuBefore) / 1e9;
        if (profile != null) {
            process.stopProfile(profile);
            out.println("wrote " + profile + ".html and .collapsed");
        }
        return result;
    }

    private long tick(PrintStream out, LoadStats stats, long start, int second, long previous, String phase)
        throws Exception {
        long target = start + TimeUnit.SECONDS.toNanos(second);
        long sleep = target - System.nanoTime();
        if (sleep > 0) {
            TimeUnit.NANOSECONDS.sleep(sleep);
        }
        Throwable failure = stats.failure();
        if (failure != null) {
            throw new IOException("a connection failed", failure);
        }
        long now = stats.messages();
        out.printf(Locale.ROOT, "%-7s %3d s  %,10d msgs/s  open %d%n", phase, second, now - previous,
            stats.openCount());
        return now;
    }

    private static long clientCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
        }
        return 0;
    }

    private void report(PrintStream out, String kind, Result r) throws IOException {
        double msgsPerSecond = r.messages / r.seconds;
        double mbPerSecond = msgsPerSecond * size / 1e6;
        double p50 = r.latencies.getValueAtPercentile(50) / 1e3;
        double p99 = r.latencies.getValueAtPercentile(99) / 1e3;
        double p999 = r.latencies.getValueAtPercentile(99.9) / 1e3;
        double perCpu = r.serverCpuSeconds > 0 ? r.messages / r.serverCpuSeconds : Double.NaN;
        double perLoopCpu = r.loopCpuSeconds > 0 ? r.messages / r.loopCpuSeconds : Double.NaN;
        out.printf(Locale.ROOT, "%n%s (%s) %s %d B: %,.0f msgs/s, %.1f MB/s, latency p50 %.0f us, p99 %.0f us, "
                + "p99.9 %.0f us; server CPU %.2f s = %,.0f msgs per server-CPU-second (event loop %.2f s = %,.0f"
                + " msgs per loop-CPU-second); client CPU %.2f s%n",
            server.label(), transport.displayName(), kind, size, msgsPerSecond, mbPerSecond, p50, p99, p999,
            r.serverCpuSeconds, perCpu, r.loopCpuSeconds, perLoopCpu, r.clientCpuSeconds);
        if (csv != null) {
            String row = String.join(",", Arrays.asList(server.label(), transport.displayName(), kind,
                Integer.toString(size), Integer.toString(connections), Integer.toString(inFlight), fmt(r.seconds),
                Long.toString(r.messages), fmt(msgsPerSecond), fmt(mbPerSecond), fmt(p50), fmt(p99), fmt(p999),
                fmt(r.serverCpuSeconds), fmt(perCpu), fmt(r.clientCpuSeconds), fmt(r.loopCpuSeconds),
                fmt(perLoopCpu))) + "\n";
            if (csv.getParent() != null) {
                Files.createDirectories(csv.getParent());
            }
            if (!Files.exists(csv)) {
                Files.writeString(csv, CSV_HEADER + "\n", StandardCharsets.UTF_8);
            }
            Files.writeString(csv, row, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        }
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
