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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The chat server as a cluster at a scale no single process holds: a redis-server and {@code --nodes} chat-server
 * nodes, and the room's members spread over {@code --client-processes} client JVMs ({@link ScaleClient}), client
 * process k connecting from source address 127.0.0.(k + 2) (its own ephemeral ports) to every node in turn, so that
 * no process, server or client, holds more descriptors than one process may. This process is the coordinator: it
 * holds the one member that sends, tells the clients what to wait for over their standard input, and gathers
 * per node the connections held (the node's own {@code nettyws_connections_open} metric), live heap (after a full
 * GC) and RSS per idle connection, and CPU over every node and Redis; from the clients, the delivery latency of
 * every timed message (each message carries its wall-clock send time, the processes sharing one clock), the time
 * until the last member had it, and every member's count of deliveries and reorderings.
 *
 * <p>Every process it starts is stopped in {@code finally}: clients first (the end of their standard input closes
 * their connections), then the nodes, then Redis; and killed by a shutdown hook ({@link ChildReaper}) if this JVM
 * is stopped first.
 */
final class ClusterRun {
    /** Descriptors one process may hold here (hard limit 20,000), less the JVM's own files and some slack. */
    static final int MAX_CONNECTIONS_PER_PROCESS = 18_000;

    private final ScaleCommand options;
    private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final List<ChildJvm> nodeProcesses = new ArrayList<>();
    private final List<Integer> metricsPorts = new ArrayList<>();
    private final List<ChildJvm> clientProcesses = new ArrayList<>();
    private final ChildReaper reaper = new ChildReaper();
    private final Receivers senderReceives;
    private ChildJvm redis;
    private EventLoopGroup group;
    private Channel sender;

    /** One run with {@code options}; {@link #run} once. */
    ClusterRun(ScaleCommand options) {
        this.options = options;
        this.senderReceives = new Receivers(1, options.messages);
    }

    /** One node's figures. */
    record NodeFigures(int node, long pid, long connections, double heapPerConnection, double rssPerConnection,
                       long rssIdle, long rss, double burstCpuSeconds) {
    }

    /**
     * Measures {@code n} members plus the sender; returns the row for the summary CSV, writes the per-node CSV and
     * the charts.
     */
    String[] run(int n, StringBuilder breakdown) throws Exception {
        String server = "nettyws-redis-x" + options.nodes + "-clients" + options.clientProcesses;
        try {
            checkSizes(n);
            List<URI> bases = startRedisAndNodes(server);
            Thread.sleep(1000);
            List<ClassHistogram> idle = new ArrayList<>();
            List<Long> rssIdle = new ArrayList<>();
            for (ChildJvm node : nodeProcesses) {
                idle.add(node.classHistogram());
                rssIdle.add(node.rssBytes());
            }
            startClients(bases, n, options.clientProcesses);
            // The sender: one more member, from this process, on the node member n would go to.
            group = Transport.AUTO.resolve().newEventLoopGroup(1, "scale-sender");
            sender = new Connector(group, 1).connect(List.of(bases.get(n % options.nodes)), n, 1, senderReceives,
                i -> new InetSocketAddress("127.0.0.1", 0)).get(0);
            tellAll("quiet 3", "quiet", 330);
            List<NodeFigures> figures = measureNodes(server, idle, rssIdle, breakdown);
            long held = 0;
            for (NodeFigures f : figures) {
                held += f.connections();
            }
            double[] toAll = timedMessages(n + 1);
            Burst burst = burst(n + 1, figures);
            Histogram latency = senderReceives.latencyMicros();
            long delivered = senderReceives.delivered();
            long reordered = senderReceives.outOfOrder();
            for (ChildJvm client : clientProcesses) {
                client.send("stats");
                String[] stats = client.await("stats ", 60).split(" ");
                delivered += Long.parseLong(stats[1]);
                reordered += Long.parseLong(stats[2]);
                latency.add(ScaleClient.decode(stats[4]));
            }
            long lost = (long) (options.messages + options.burst) * (n + 1) - delivered;
            Summary summary = new Summary(server, n + 1, held, latency.getValueAtPercentile(50) / 1e3,
                latency.getValueAtPercentile(99) / 1e3, latency.getMaxValue() / 1e3, toAll[toAll.length / 2],
                toAll[toAll.length - 1], burst.deliveriesPerSecond(), burst.deliveriesPerCpuSecond(),
                burst.cpuSeconds(), burst.redisCpuSeconds(), lost, reordered, options.clientProcesses, loadAverage());
            System.out.printf("%,d members (%,d connections held by the nodes): delivery latency of the %d timed"
                + " messages p50 %.1f ms, p99 %.1f ms, max %.1f ms; %d lost, %d reordered%n", n + 1, held,
                options.messages, summary.latencyP50(), summary.latencyP99(), summary.latencyMax(), lost, reordered);
            writeNodesCsv(summary, figures);
            ScaleChart.write(options.chart, summary, figures, latency);
            System.out.println("wrote " + options.chart);
            return summaryRow(summary, figures);
        } finally {
            stopAll();
        }
    }

    /** Refuses a run that would put more connections in one process than it may hold, or lack source addresses. */
    private void checkSizes(int n) {
        int nodes = options.nodes;
        int clients = options.clientProcesses;
        if ((n + nodes) / nodes > MAX_CONNECTIONS_PER_PROCESS
            || (n + clients - 1) / clients > MAX_CONNECTIONS_PER_PROCESS) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%,d connections need at least %d nodes and"
                + " %d client processes (at most %,d connections per process)", n,
                (n + MAX_CONNECTIONS_PER_PROCESS) / MAX_CONNECTIONS_PER_PROCESS,
                (n + MAX_CONNECTIONS_PER_PROCESS - 1) / MAX_CONNECTIONS_PER_PROCESS, MAX_CONNECTIONS_PER_PROCESS));
        }
        if (clients > 250) {
            throw new IllegalArgumentException("at most 250 client processes (source addresses 127.0.0.2-251)");
        }
    }

    /** Starts Redis and the nodes; returns each node's chat URI, ending in the nick's prefix. */
    private List<URI> startRedisAndNodes(String server) throws IOException {
        int redisPort = ScaleCommand.freePort();
        List<String> redisCommand = ScaleCommand.redisCommand(redisPort);
        System.out.printf("== %s: %s%n", server, String.join(" ", redisCommand));
        redis = reaper.watch(ChildJvm.start(redisCommand, "Ready to accept connections", 30));
        List<URI> bases = new ArrayList<>();
        for (int i = 0; i < options.nodes; i++) {
            int port = ScaleCommand.freePort();
            int metricsPort = ScaleCommand.freePort();
            List<String> command = options.nodeCommand(port, "redis://127.0.0.1:" + redisPort);
            // The coordinator reads how many connections each node holds; no keepalive pings or idle closes
            // during a run that holds 100,000 members for minutes.
            command.addAll(List.of("--metrics-port", Integer.toString(metricsPort), "--idle-timeout", "0"));
            System.out.printf("== node %d: %s%n", i, String.join(" ", command));
            nodeProcesses.add(reaper.watch(ChildJvm.start(command, "listening", 60)));
            metricsPorts.add(metricsPort);
            bases.add(URI.create("ws://127.0.0.1:" + port + "/chat?room=scale&nick=u"));
        }
        return bases;
    }

    /** Each node's connections, and its heap and RSS per connection against {@code idle} and {@code rssIdle}. */
    private List<NodeFigures> measureNodes(String server, List<ClassHistogram> idle, List<Long> rssIdle,
                                           StringBuilder breakdown) throws IOException, InterruptedException {
        List<NodeFigures> figures = new ArrayList<>();
        for (int i = 0; i < nodeProcesses.size(); i++) {
            ChildJvm node = nodeProcesses.get(i);
            long connections = connectionsOpen(metricsPorts.get(i));
            ClassHistogram loaded = node.classHistogram();
            long rss = node.rssBytes();
            long per = Math.max(1, connections);
            NodeFigures f = new NodeFigures(i, node.pid(), connections,
                (double) (loaded.totalBytes() - idle.get(i).totalBytes()) / per,
                (double) (rss - rssIdle.get(i)) / per, rssIdle.get(i), rss, 0);
            figures.add(f);
            if (i == 0) {
                options.describe(breakdown, server + " node 0", (int) per, loaded.minus(idle.get(0)));
            }
            System.out.printf("node %d: %,d connections, %.0f B heap and %.0f B RSS per connection, RSS %,d B%n",
                i, connections, f.heapPerConnection(), f.rssPerConnection(), rss);
        }
        return figures;
    }

    /**
     * The timed messages, one at a time (each one's delivery latency at every member is recorded where it
     * arrives); returns the time each took to reach the last member, in milliseconds, sorted.
     */
    private double[] timedMessages(int members) throws IOException, InterruptedException {
        double[] toAll = new double[options.messages];
        for (int seq = 1; seq <= options.messages; seq++) {
            long sent = Receivers.nowMicros();
            sender.writeAndFlush(message(seq, sent));
            long last = awaitEverywhere(seq, members);
            toAll[seq - 1] = (last - sent) / 1e3;
            System.out.printf("message %d reached all %,d members in %.1f ms%n", seq, members, toAll[seq - 1]);
        }
        Arrays.sort(toAll);
        return toAll;
    }

    /** What the burst cost: deliveries per second and per CPU second of every node and Redis. */
    record Burst(double deliveriesPerSecond, double deliveriesPerCpuSecond, double cpuSeconds,
                 double redisCpuSeconds) {
    }

    /** Sends the burst back to back; sets each node's CPU in {@code figures}. */
    private Burst burst(int members, List<NodeFigures> figures) throws IOException, InterruptedException {
        if (options.burst == 0) {
            return new Burst(0, 0, 0, 0);
        }
        List<ChildJvm> servers = new ArrayList<>(nodeProcesses);
        servers.add(redis);
        double[] cpuBefore = cpu(servers);
        long start = Receivers.nowMicros();
        int lastSeq = options.messages + options.burst;
        for (int seq = options.messages + 1; seq <= lastSeq; seq++) {
            sender.write(message(seq, Receivers.nowMicros()));
        }
        sender.flush();
        long end = awaitEverywhere(lastSeq, members);
        double[] cpuAfter = cpu(servers);
        double cpuSeconds = 0;
        for (int i = 0; i < servers.size(); i++) {
            cpuSeconds += cpuAfter[i] - cpuBefore[i];
            if (i < figures.size()) {
                NodeFigures f = figures.get(i);
                figures.set(i, new NodeFigures(f.node(), f.pid(), f.connections(), f.heapPerConnection(),
                    f.rssPerConnection(), f.rssIdle(), f.rss(), cpuAfter[i] - cpuBefore[i]));
            }
        }
        double seconds = (end - start) / 1e6;
        double deliveries = (double) options.burst * members;
        double redisCpu = cpuAfter[servers.size() - 1] - cpuBefore[servers.size() - 1];
        System.out.printf("burst of %d messages to %,d members: %.2f s, %.0f deliveries/s, CPU of the nodes and"
            + " Redis %.2f s (Redis %.2f s), %.0f deliveries per CPU second%n", options.burst, members, seconds,
            deliveries / seconds, cpuSeconds, redisCpu, deliveries / cpuSeconds);
        return new Burst(deliveries / seconds, deliveries / cpuSeconds, cpuSeconds, redisCpu);
    }

    /** The run's row in the summary CSV, in the columns of the single-server rows (heap and RSS over all nodes). */
    private String[] summaryRow(Summary summary, List<NodeFigures> figures) {
        long heapSum = 0;
        long rssSum = 0;
        long rss0Sum = 0;
        for (NodeFigures f : figures) {
            heapSum += (long) (f.heapPerConnection() * f.connections());
            rssSum += f.rss();
            rss0Sum += f.rssIdle();
        }
        long held = Math.max(1, summary.held());
        return new String[] {Instant.now().toString(), summary.server(), options.transport.displayName(),
            Integer.toString(summary.members()), String.format(Locale.ROOT, "%.0f", (double) heapSum / held),
            String.format(Locale.ROOT, "%.0f", (double) (rssSum - rss0Sum) / held),
            String.format(Locale.ROOT, "%.1f", summary.toAllP50()),
            String.format(Locale.ROOT, "%.1f", summary.toAllMax()),
            String.format(Locale.ROOT, "%.0f", summary.deliveriesPerSecond()),
            String.format(Locale.ROOT, "%.0f", summary.deliveriesPerCpuSecond()),
            Long.toString(summary.lost()), Long.toString(summary.reordered()), options.serverHeap,
            Long.toString(rss0Sum), Long.toString(rssSum)};
    }

    /** Stops the sender, then the clients (the end of their input closes their connections), nodes and Redis. */
    private void stopAll() {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        for (ChildJvm client : clientProcesses) {
            client.close();
        }
        for (ChildJvm node : nodeProcesses) {
            node.close();
        }
        if (redis != null) {
            redis.close();
        }
        reaper.close();
    }

    /** The run's totals. */
    record Summary(String server, int members, long held, double latencyP50, double latencyP99, double latencyMax,
                   double toAllP50, double toAllMax, double deliveriesPerSecond, double deliveriesPerCpuSecond,
                   double cpuSeconds, double redisCpuSeconds, long lost, long reordered, int clientProcesses,
                   String loadAverage) {
    }

    /**
     * Starts the client processes, k holding members {@code k * share ...} from 127.0.0.(k + 2), all at once, and
     * waits until each has its connections (at most 15 minutes in all).
     */
    private void startClients(List<URI> bases, int n, int clients) throws Exception {
        int share = (n + clients - 1) / clients;
        StringBuilder joined = new StringBuilder();
        for (URI base : bases) {
            joined.append(joined.length() == 0 ? "" : ",").append(base);
        }
        int handshakes = Math.max(8, options.handshakes / clients);
        for (int k = 0; k < clients; k++) {
            int first = k * share;
            int count = Math.min(share, n - first);
            List<String> command = ChildJvm.java(null, options.clientHeap, "-XX:+UseParallelGC", "-cp",
                System.getProperty("java.class.path"), ScaleClient.class.getName(), "--bases", joined.toString(),
                "--first", Integer.toString(first), "--count", Integer.toString(count), "--source",
                "127.0.0." + (k + 2), "--handshakes", Integer.toString(handshakes), "--timed",
                Integer.toString(options.messages));
            System.out.printf("== client %d: %,d members from 127.0.0.%d%n", k, count, k + 2);
            clientProcesses.add(reaper.watch(ChildJvm.start(command, "started", 60)));
        }
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MINUTES.toNanos(15);
        for (int k = 0; k < clients; k++) {
            ChildJvm client = clientProcesses.get(k);
            while (true) {
                String line = lastLineStarting(client, "connected ", "failed ");
                if (line != null && line.startsWith("failed ")) {
                    throw new IOException("client " + k + ": " + line + "\n" + String.join("\n", client.output()));
                }
                if (line != null) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("client " + k + " not connected after 15 minutes:\n"
                        + String.join("\n", client.output()));
                }
                Thread.sleep(200);
            }
            System.out.printf("client %d connected (%.1f s since the clients started)%n", k,
                (System.nanoTime() - start) / 1e9);
        }
    }

    private static String lastLineStarting(ChildJvm process, String... prefixes) {
        List<String> lines = process.output();
        for (int i = lines.size() - 1; i >= 0; i--) {
            for (String prefix : prefixes) {
                if (lines.get(i).startsWith(prefix)) {
                    return lines.get(i);
                }
            }
        }
        return null;
    }

    private void tellAll(String command, String answer, int timeoutSeconds) throws IOException,
        InterruptedException {
        for (ChildJvm client : clientProcesses) {
            client.send(command);
        }
        for (ChildJvm client : clientProcesses) {
            client.await(answer, timeoutSeconds);
        }
    }

    /**
     * Waits until every member, in every client process and the sender, saw {@code seq}; returns the wall-clock
     * time (epoch microseconds) at which the last one had it.
     *
     * <p>A client waits at most 180 s for its members; one that still lacks the message then counts as lost at the
     * end.
     *
     * @throws IOException if a client did not answer within 200 s
     */
    private long awaitEverywhere(int seq, int members) throws IOException, InterruptedException {
        for (ChildJvm client : clientProcesses) {
            client.send("await " + seq);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (senderReceives.reached(seq) < 1 && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        long last = senderReceives.lastArrivalMicros();
        int reached = senderReceives.reached(seq);
        for (ChildJvm client : clientProcesses) {
            String[] answer = client.await("reached " + seq + " ", 200).split(" ");
            reached += Integer.parseInt(answer[2]);
            last = Math.max(last, Long.parseLong(answer[3]));
        }
        if (reached < members) {
            System.out.printf("message %d reached only %,d of %,d members%n", seq, reached, members);
        }
        return last;
    }

    private static double[] cpu(List<ChildJvm> processes) throws IOException {
        double[] seconds = new double[processes.size()];
        for (int i = 0; i < seconds.length; i++) {
            seconds[i] = processes.get(i).cpuSeconds();
        }
        return seconds;
    }

    /** The node's {@code nettyws_connections_open} gauge. */
    private long connectionsOpen(int metricsPort) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString());
        for (String line : response.body().split("\n")) {
            if (line.startsWith("nettyws_connections_open ")) {
                return (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
            }
        }
        throw new IOException("no nettyws_connections_open in the metrics of port " + metricsPort);
    }

    private static TextFrame message(int seq, long sentMicros) {
        return new TextFrame("{\"type\":\"message\",\"text\":\"seq-" + seq + " " + Receivers.SENT_MARKER
            + sentMicros + "\"}");
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "";
        }
    }

    private void writeNodesCsv(Summary s, List<NodeFigures> figures) throws IOException {
        Path csv = options.nodesCsv;
        Files.createDirectories(csv.toAbsolutePath().getParent());
        boolean header = !Files.exists(csv);
        String time = Instant.now().toString();
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(csv, StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND))) {
            if (header) {
                out.println("time,server,node,connections_held,heap_bytes_per_connection,rss_bytes_per_connection,"
                    + "rss_idle_bytes,rss_bytes,burst_cpu_s,latency_p50_ms,latency_p99_ms,latency_max_ms,"
                    + "to_all_p50_ms,to_all_max_ms,deliveries_per_s,deliveries_per_cpu_s,lost,reordered,"
                    + "client_processes,load_average");
            }
            for (NodeFigures f : figures) {
                out.println(String.format(Locale.ROOT, "%s,%s,%d,%d,%.0f,%.0f,%d,%d,%.2f,,,,,,,,,,,", time, s.server(),
                    f.node(), f.connections(), f.heapPerConnection(), f.rssPerConnection(), f.rssIdle(), f.rss(),
                    f.burstCpuSeconds()));
            }
            out.println(String.format(Locale.ROOT, "%s,%s,redis,,,,,,%.2f,,,,,,,,,,,", time, s.server(),
                s.redisCpuSeconds()));
            out.println(String.format(Locale.ROOT,
                "%s,%s,all,%d,,,,,%.2f,%.1f,%.1f,%.1f,%.1f,%.1f,%.0f,%.0f,%d,%d,%d,%s", time, s.server(), s.held(),
                s.cpuSeconds(), s.latencyP50(), s.latencyP99(), s.latencyMax(),
                s.toAllP50(), s.toAllMax(), s.deliveriesPerSecond(), s.deliveriesPerCpuSecond(), s.lost(),
                s.reordered(), s.clientProcesses(), s.loadAverage()));
        }
        System.out.println("appended to " + csv);
    }
}
