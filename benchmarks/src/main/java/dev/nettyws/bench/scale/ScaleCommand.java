package dev.nettyws.bench.scale;

import dev.nettyws.bench.ChildJvm;
import dev.nettyws.bench.ClassHistogram;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The scale benchmark: starts a server as a child JVM (our chat server, or a broadcast server on Netty's websocketx),
 * opens N WebSocket connections to one room and holds them idle, measures the server's live heap per idle connection
 * after a full GC, broken down by class (what the connections added, per connection: {@link ClassHistogram}), and
 * its RSS, then has one more connection send numbered messages and times how long each takes to reach all N,
 * checking that none is lost or reordered. Prints a table, appends CSV rows and writes the class breakdown as
 * Markdown. See {@code scripts/bench-scale.sh}.
 *
 * <p>The server runs with a small fixed heap, touched up front ({@code -Xms = -Xmx}, {@code -XX:+AlwaysPreTouch}),
 * and a cap on direct memory, so that its RSS does not follow how far the heap happened to grow: the growth of RSS
 * per connection is what the connections cost outside the Java heap (direct buffers, native transport state).
 *
 * <p>One JVM holds every client connection on one event loop thread; sources rotate over 127.0.0.x addresses so
 * that more than one address's ephemeral ports are available. The process file limit bounds N: each connection is a
 * file descriptor in the server and in this process.
 *
 * <p>With {@code --nodes N --client-processes P} the chat server runs as N nodes on a Redis and the members live in P
 * client processes ({@link ClusterRun}), for more connections than one process may hold.
 */
@Command(name = "bench-scale", mixinStandardHelpOptions = true,
    description = "Idle-connection memory and fan-out time of a WebSocket chat server, ours vs Netty websocketx.")
public final class ScaleCommand implements Callable<Integer> {
    private static final int FILES_OF_THE_JVM = 500;

    @Option(names = "--server", split = ",", defaultValue = "nettyws,nettyws-bare,netty",
        description = "Servers to measure, in order: nettyws (our chat server), nettyws-bare (our codec under the "
            + "broadcast application of netty), netty (websocketx broadcast).")
    List<String> servers;

    @Option(names = "--connections", defaultValue = "10000", description = "Idle connections to hold.")
    int connections;

    @Option(names = "--messages", defaultValue = "10", description = "Numbered messages to fan out.")
    int messages;

    @Option(names = "--burst", defaultValue = "100",
        description = "Messages sent back to back after the timed ones, for deliveries per second and per server "
            + "CPU second (0: none).")
    int burst;

    @Option(names = "--handshakes", defaultValue = "256",
        description = "Handshakes in flight while connecting (fewer on a loaded machine, where a server answers 408"
            + " to a request it could not read within its timeout).")
    int handshakes;

    @Option(names = "--sources", defaultValue = "4", description = "Source addresses 127.0.0.2 ... to connect from.")
    int sources;

    @Option(names = "--chat-jar", defaultValue = "server-example/target/chat-server.jar",
        description = "The chat server's jar.")
    Path chatJar;

    @Option(names = "--server-heap", defaultValue = "256m", description = "-Xms and -Xmx of the server JVM.")
    String serverHeap;

    @Option(names = "--server-direct", defaultValue = "256m",
        description = "-XX:MaxDirectMemorySize of the server JVM.")
    String serverDirect;

    @Option(names = "--transport", defaultValue = "auto",
        description = "The servers' transport: auto, epoll, io_uring or nio (the client runs on auto).")
    Transport transport;

    @Option(names = "--classes", defaultValue = "benchmarks/results/scale-classes.md",
        description = "Markdown file for the classes holding the most heap per connection.")
    Path classes;

    @Option(names = "--top-classes", defaultValue = "30",
        description = "Classes listed per server (and half as many packages).")
    int topClasses;

    @Option(names = "--csv", defaultValue = "benchmarks/results/scale.csv", description = "CSV file to append to.")
    Path csv;

    @Option(names = "--nodes", defaultValue = "0",
        description = "Run nettyws as a cluster of N chat-server nodes (--redis) sharing the room through a "
            + "redis-server started here; connections spread round-robin over the nodes, CPU summed over every node "
            + "and Redis (0: one process, no Redis).")
    int nodes;

    @Option(names = "--client-processes", defaultValue = "0",
        description = "With --nodes: hold the members in this many client JVMs, process k connecting from "
            + "127.0.0.(k+2), each under the descriptor limit, for more connections than one process holds; the "
            + "nodes then get --idle-timeout 0 and a metrics port, and the run writes --nodes-csv and --chart "
            + "(0: every connection in this process).")
    int clientProcesses;

    @Option(names = "--client-heap", defaultValue = "512m", description = "-Xms and -Xmx of each client process.")
    String clientHeap;

    @Option(names = "--nodes-csv", defaultValue = "benchmarks/results/scale-nodes.csv",
        description = "With --client-processes: CSV file to append each node's figures and the run's totals to.")
    Path nodesCsv;

    @Option(names = "--chart", defaultValue = "benchmarks/results/scale-nodes.png",
        description = "With --client-processes: PNG chart of the run (per node, and the delivery latency).")
    Path chart;

    /** Runs the command line. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new ScaleCommand()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        long limit = fileLimit();
        int n = connections;
        // The JVM's own files (jars, epoll and event descriptors) need a few hundred. Client processes hold their
        // own share each.
        if (limit > 0 && n > limit - FILES_OF_THE_JVM && clientProcesses == 0) {
            n = (int) (limit - FILES_OF_THE_JVM);
            System.out.printf("the file limit is %d descriptors per process (ulimit -n; raising it needs"
                + " CAP_SYS_RESOURCE); measuring %d connections instead of %d%n", limit, n, connections);
        }
        List<String[]> rows = new ArrayList<>();
        StringBuilder breakdown = new StringBuilder();
        for (String server : servers) {
            String[] row = measure(server, n, breakdown);
            rows.add(row);
            // Each server's row as soon as it is measured: a later failure does not lose it.
            writeCsv(Collections.singletonList(row));
        }
        Files.writeString(classes, breakdown.toString(), StandardCharsets.UTF_8);
        System.out.println();
        System.out.print(breakdown);
        System.out.println("wrote " + classes);
        String format = "%-13s %-9s %11s %11s %11s %14s %14s %13s %15s %6s %9s%n";
        System.out.printf(format, "server", "transport", "connections", "heap B/conn", "RSS B/conn", "fan-out p50 ms",
            "fan-out max ms", "deliveries/s", "per server CPU s", "lost", "reordered");
        for (String[] row : rows) {
            System.out.printf(format, (Object[]) Arrays.copyOfRange(row, 1, 12));
        }
        return 0;
    }

    static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }

    private String[] measure(String server, int n, StringBuilder breakdown) throws Exception {
        if (server.equals("nettyws") && nodes > 0 && clientProcesses > 0) {
            return new ClusterRun(this).run(n, breakdown);
        }
        if (server.equals("nettyws") && nodes > 0) {
            return measureNodes(n, breakdown);
        }
        int port = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xms" + serverHeap, "-Xmx" + serverHeap,
            "-XX:MaxDirectMemorySize=" + serverDirect, "-XX:+AlwaysPreTouch", "-XX:+UseParallelGC"));
        URI uri;
        String ready;
        if (server.equals("nettyws")) {
            // No rate limit for the sender: the burst is the point. The receivers come from four loopback
            // addresses, thousands each: no per-address connection limit.
            command.addAll(List.of("-jar", chatJar.toString(), "--port", Integer.toString(port), "--transport",
                transport.name(), "--rate", Integer.toString(Math.max(1000, burst + messages)),
                "--max-connections-per-address", "0"));
            uri = URI.create("ws://127.0.0.1:" + port + "/chat?room=scale&nick=u");
            ready = "listening";
        } else if (server.equals("nettyws-bare")) {
            command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                OurBroadcastServer.class.getName(), Integer.toString(port), transport.name()));
            uri = URI.create("ws://127.0.0.1:" + port + "/chat?room=scale&nick=u");
            ready = "listening";
        } else if (server.equals("netty")) {
            command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                NettyBroadcastServer.class.getName(), Integer.toString(port), transport.name()));
            uri = URI.create("ws://127.0.0.1:" + port + "/chat?room=scale&nick=u");
            ready = "listening";
        } else {
            throw new CommandLine.ParameterException(new CommandLine(this), "unknown server " + server);
        }
        System.out.printf("== %s: %s%n", server, String.join(" ", command));
        try (ChildJvm process = ChildJvm.start(command, ready, 60)) {
            Thread.sleep(1000);
            ClassHistogram idle = process.classHistogram();
            long heap0 = idle.totalBytes();
            long rss0 = process.rssBytes();
            System.out.printf("idle server: live heap %,d B, RSS %,d B%n", heap0, rss0);
            Receivers receivers = new Receivers(n + 1);
            EventLoopGroup group = Transport.AUTO.resolve().newEventLoopGroup(1, "scale-client");
            try {
                List<Channel> channels = connectAll(group, List.of(uri), n + 1, receivers);
                awaitQuiet(receivers, 3);
                ClassHistogram loaded = process.classHistogram();
                long heap = loaded.totalBytes();
                long rss = process.rssBytes();
                double heapPer = (double) (heap - heap0) / n;
                describe(breakdown, server, n, loaded.minus(idle));
                double rssPer = (double) (rss - rss0) / n;
                System.out.printf("%,d idle connections: live heap %,d B (%.0f B per connection), RSS %,d B"
                    + " (%.0f B per connection)%n", n + 1, heap, heapPer, rss, rssPer);
                return fanOut(server, n, channels, receivers, List.of(process), heapPer, rssPer, rss0, rss);
            } finally {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
        }
    }

    /**
     * The chat server as {@link #nodes} nodes sharing the room through a redis-server started here: connection i on
     * node {@code i % nodes}, the sender on the last; heap and RSS summed over the nodes (the class breakdown is node
     * 0's, per connection of that node), CPU over every node and Redis.
     */
    private String[] measureNodes(int n, StringBuilder breakdown) throws Exception {
        String server = "nettyws-redis-x" + nodes;
        int redisPort = freePort();
        List<String> redisCommand = redisCommand(redisPort);
        System.out.printf("== %s: %s%n", server, String.join(" ", redisCommand));
        List<ChildJvm> started = new ArrayList<>();
        try (ChildJvm redis = ChildJvm.start(redisCommand, "Ready to accept connections", 30)) {
            started.add(redis);
            List<URI> bases = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                int port = freePort();
                List<String> command = nodeCommand(port, "redis://127.0.0.1:" + redisPort);
                System.out.printf("== node %d: %s%n", i, String.join(" ", command));
                started.add(ChildJvm.start(command, "listening", 60));
                bases.add(URI.create("ws://127.0.0.1:" + port + "/chat?room=scale&nick=u"));
            }
            List<ChildJvm> servers = started.subList(1, started.size());
            Thread.sleep(1000);
            List<ClassHistogram> idle = new ArrayList<>();
            long heap0 = 0;
            long rss0 = 0;
            for (ChildJvm node : servers) {
                ClassHistogram histogram = node.classHistogram();
                idle.add(histogram);
                heap0 += histogram.totalBytes();
                rss0 += node.rssBytes();
            }
            Receivers receivers = new Receivers(n + 1);
            EventLoopGroup group = Transport.AUTO.resolve().newEventLoopGroup(1, "scale-client");
            try {
                List<Channel> channels = connectAll(group, bases, n + 1, receivers);
                awaitQuiet(receivers, 3);
                long heap = 0;
                long rss = 0;
                for (int i = 0; i < servers.size(); i++) {
                    ClassHistogram loaded = servers.get(i).classHistogram();
                    heap += loaded.totalBytes();
                    rss += servers.get(i).rssBytes();
                    if (i == 0) {
                        describe(breakdown, server + " node 0", Math.max(1, (n + 1) / nodes),
                            loaded.minus(idle.get(0)));
                    }
                }
                double heapPer = (double) (heap - heap0) / n;
                double rssPer = (double) (rss - rss0) / n;
                System.out.printf("%,d idle connections on %d nodes: live heap %,d B (%.0f B per connection),"
                    + " RSS %,d B (%.0f B per connection)%n", n + 1, nodes, heap, heapPer, rss, rssPer);
                return fanOut(server, n, channels, receivers, started, heapPer, rssPer, rss0, rss);
            } finally {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
        } finally {
            for (ChildJvm node : started.subList(Math.min(1, started.size()), started.size())) {
                node.close();
            }
        }
    }

    /** A redis-server for the nodes, on 127.0.0.1, without persistence (a benchmark's room is thrown away). */
    static List<String> redisCommand(int port) {
        return List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--maxclients", "10000");
    }

    /**
     * The command line of a chat-server node of a cluster on {@code redis}: the fixed, touched heap of every server
     * here, no rate limit for the sender (the burst is the point) and no per-address connection limit (thousands of
     * members share each source address).
     *
     * @return a new mutable list
     */
    List<String> nodeCommand(int port, String redis) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ArrayList<>(List.of(java, "-Xms" + serverHeap, "-Xmx" + serverHeap,
            "-XX:MaxDirectMemorySize=" + serverDirect, "-XX:+AlwaysPreTouch", "-XX:+UseParallelGC",
            "-jar", chatJar.toString(), "--port", Integer.toString(port), "--transport", transport.name(),
            "--rate", Integer.toString(Math.max(1000, burst + messages)), "--max-connections-per-address",
            "0", "--redis", redis));
    }

    /**
     * The timed numbered messages and the burst on connections already open; closes them and returns the CSV row.
     * CPU is counted over {@code cpuOf}.
     */
    private String[] fanOut(String server, int n, List<Channel> channels, Receivers receivers, List<ChildJvm> cpuOf,
                            double heapPer, double rssPer, long rss0, long rss)
        throws IOException, InterruptedException {
        Channel sender = channels.get(n);
        long[] fanOut = new long[messages];
        for (int seq = 1; seq <= messages; seq++) {
            long start = System.nanoTime();
            sender.writeAndFlush(message(seq));
            awaitReached(receivers, seq, n + 1);
            fanOut[seq - 1] = System.nanoTime() - start;
            System.out.printf("message %d reached %,d of %,d connections in %.1f ms%n", seq,
                receivers.reached(seq), n + 1, fanOut[seq - 1] / 1e6);
        }
        double[] burstRates = burst(cpuOf, sender, receivers, n + 1);
        long expected = (long) (messages + burst) * (n + 1);
        long lost = expected - receivers.delivered();
        Arrays.sort(fanOut);
        Connector.closeAll(channels);
        return new String[] {Instant.now().toString(), server, transport.displayName(),
            Integer.toString(n + 1),
            String.format(Locale.ROOT, "%.0f", heapPer), String.format(Locale.ROOT, "%.0f", rssPer),
            String.format(Locale.ROOT, "%.1f", fanOut[fanOut.length / 2] / 1e6),
            String.format(Locale.ROOT, "%.1f", fanOut[fanOut.length - 1] / 1e6),
            String.format(Locale.ROOT, "%.0f", burstRates[0]),
            String.format(Locale.ROOT, "%.0f", burstRates[1]),
            Long.toString(lost), Long.toString(receivers.outOfOrder()), serverHeap,
            Long.toString(rss0), Long.toString(rss)};
    }

    private static TextFrame message(int seq) {
        return new TextFrame("{\"type\":\"message\",\"text\":\"seq-" + seq + "\"}");
    }

    /** Waits (at most 120 s) until {@code count} connections have seen {@code seq}. */
    private static void awaitReached(Receivers receivers, int seq, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (receivers.reached(seq) < count && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
    }

    /**
     * Broadcast throughput: the sender writes {@link #burst} numbered messages back to back; returns deliveries per
     * second (until every connection has the last) and per second of server CPU time in that interval.
     */
    private double[] burst(List<ChildJvm> processes, Channel sender, Receivers receivers, int count)
        throws IOException, InterruptedException {
        if (burst == 0) {
            return new double[] {0, 0};
        }
        double cpuBefore = cpuSeconds(processes);
        long start = System.nanoTime();
        for (int seq = messages + 1; seq <= messages + burst; seq++) {
            sender.write(message(seq));
        }
        sender.flush();
        awaitReached(receivers, messages + burst, count);
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = cpuSeconds(processes) - cpuBefore;
        double deliveries = (double) burst * count;
        System.out.printf("burst of %d messages to %,d connections: %.2f s, %.0f deliveries/s, server CPU %.2f s,"
            + " %.0f deliveries per server CPU second%n", burst, count, seconds, deliveries / seconds, cpu,
            deliveries / cpu);
        return new double[] {deliveries / seconds, deliveries / cpu};
    }

    private static double cpuSeconds(List<ChildJvm> processes) throws IOException {
        double sum = 0;
        for (ChildJvm process : processes) {
            sum += process.cpuSeconds();
        }
        return sum;
    }

    /**
     * Opens {@code count} connections, connection i to {@code bases[i % size]} from one of {@link #sources} addresses,
     * at most {@link #handshakes} handshakes at a time; fails if any fails.
     */
    private List<Channel> connectAll(EventLoopGroup group, List<URI> bases, int count, Receivers receivers)
        throws InterruptedException {
        return new Connector(group, handshakes).connect(bases, 0, count, receivers,
            i -> new InetSocketAddress("127.0.0." + (2 + i % Math.max(1, sources)), 0));
    }

    /** Waits until no message arrived for {@code seconds} (the welcome, history and presence messages). */
    private static void awaitQuiet(Receivers receivers, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (receivers.nanosSinceLastMessage() < TimeUnit.SECONDS.toNanos(seconds)
            && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    private void writeCsv(List<String[]> rows) throws IOException {
        Files.createDirectories(csv.toAbsolutePath().getParent());
        boolean header = !Files.exists(csv);
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(csv, StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND))) {
            if (header) {
                out.println("time,server,transport,connections,heap_bytes_per_connection,rss_bytes_per_connection,"
                    + "fanout_p50_ms,fanout_max_ms,burst_deliveries_per_s,burst_deliveries_per_server_cpu_s,lost,"
                    + "reordered,server_heap,rss_idle_bytes,rss_bytes");
            }
            for (String[] row : rows) {
                out.println(String.join(",", row));
            }
        }
        System.out.println("appended to " + csv);
    }

    /** Appends the classes that grew the most with {@code n} connections, per connection, as a Markdown table. */
    void describe(StringBuilder out, String server, int n, ClassHistogram added) {
        out.append(String.format(Locale.ROOT, "%s, %,d idle connections: %,.0f B of live heap per connection; the"
            + " classes holding most of it:%n%n| class | bytes per connection | instances per connection |%n"
            + "|---|---:|---:|%n", server, n, (double) added.totalBytes() / n));
        for (ClassHistogram.Entry entry : added.top(topClasses)) {
            out.append(String.format(Locale.ROOT, "| `%s` | %.0f | %.2f |%n", entry.className(),
                (double) entry.bytes() / n, (double) entry.instances() / n));
        }
        out.append(String.format(Locale.ROOT, "%nThe same by package:%n%n| package | bytes per connection |%n"
            + "|---|---:|%n"));
        for (ClassHistogram.Entry entry : added.byPackage().top(topClasses / 2)) {
            out.append(String.format(Locale.ROOT, "| `%s` | %.0f |%n", entry.className(),
                (double) entry.bytes() / n));
        }
        out.append('\n');
    }

    /** The soft limit of open files of this process, or -1 when unknown. */
    private static long fileLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String[] fields = line.substring("Max open files".length()).trim().split("\\s+");
                return "unlimited".equals(fields[0]) ? -1 : Long.parseLong(fields[0]);
            }
        }
        return -1;
    }
}
