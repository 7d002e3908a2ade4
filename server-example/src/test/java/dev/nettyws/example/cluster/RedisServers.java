package dev.nettyws.example.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real Redis for the tests: a standalone {@code redis-server} ({@link #standalone}) or a local Redis Cluster of
 * several masters ({@link #cluster}), built from {@code redis-server} processes joined by {@code redis-cli --cluster
 * create}. Every process started is also killed by a JVM shutdown hook, in case a test run is cut short.
 */
public final class RedisServers {
    private static final Set<Process> STARTED = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> STARTED.forEach(Process::destroyForcibly)));
    }

    private RedisServers() {
    }

    /** A standalone server without persistence, plus {@code options}. */
    public static RedisServer standalone(String... options) throws IOException, InterruptedException {
        return RedisServer.start(options);
    }

    /**
     * A cluster of {@code masters} masters without replicas, each a server with {@code options}, whose slots are
     * served even while another master is down ({@code cluster-require-full-coverage no}); returns once every node
     * reports {@code cluster_state:ok}.
     */
    public static RedisCluster cluster(int masters, String... options) throws IOException, InterruptedException {
        List<RedisServer> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < masters; i++) {
                List<String> all = new ArrayList<>(List.of("--cluster-enabled", "yes",
                    "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000",
                    "--cluster-require-full-coverage", "no"));
                all.addAll(List.of(options));
                nodes.add(RedisServer.start(all.toArray(String[]::new)));
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            nodes.forEach(node -> create.add("127.0.0.1:" + node.port));
            create.add("--cluster-yes");
            Path log = nodes.get(0).dir.resolve("cluster-create.log");
            Process process = new ProcessBuilder(create).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
            track(process);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException("redis-cli --cluster create failed: " + Files.readString(log));
            }
            RedisCluster cluster = new RedisCluster(nodes);
            cluster.awaitOk();
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            for (RedisServer node : nodes) {
                node.close();
            }
            throw e;
        }
    }

    static void track(Process process) {
        STARTED.add(process);
        process.onExit().thenRun(() -> STARTED.remove(process));
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
