package dev.nettyws.bench.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The multi-process path of the scale benchmark, small: a real redis-server, two chat-server nodes and two client
 * processes holding 50 members each (from 127.0.0.2 and 127.0.0.3), plus the sender. Every node reports the
 * connections it holds, every member gets every numbered message once and in order, the delivery latencies of the
 * timed messages come back from both client processes, and the charts are written. Runs when {@code redis-server}
 * is on PATH ({@code scripts/install-test-peers.sh}) and the chat server's jar was built (the whole reactor build
 * packages server-example before benchmarks).
 */
class ClusterRunTest {
    private static final Path CHAT_JAR = Path.of("..", "server-example", "target", "chat-server.jar");

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void membersInTwoClientProcessesOnTwoNodesGetEveryMessageInOrder(@TempDir Path dir) throws Exception {
        assumeTrue(onPath("redis-server"), "redis-server is not installed");
        assumeTrue(Files.isRegularFile(CHAT_JAR), "the chat server's jar is not built: " + CHAT_JAR);
        Path csv = dir.resolve("scale.csv");
        Path nodesCsv = dir.resolve("nodes.csv");
        Path chart = dir.resolve("nodes.png");

        int exit = new CommandLine(new ScaleCommand()).setCaseInsensitiveEnumValuesAllowed(true).execute(
            "--server", "nettyws", "--nodes", "2", "--client-processes", "2", "--connections", "100",
            "--messages", "3", "--burst", "10",
            "--server-heap", "128m", "--server-direct", "64m", "--client-heap", "128m", "--chat-jar",
            CHAT_JAR.toString(), "--csv", csv.toString(), "--nodes-csv", nodesCsv.toString(), "--chart",
            chart.toString(), "--classes", dir.resolve("classes.md").toString(), "--top-classes", "4");

        assertEquals(0, exit);
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(nodesCsv).subList(1, 5)) {
            rows.add(line.split(",", -1));
        }
        // Nodes 0 and 1, Redis, then the totals: 100 members and the sender, connection i on node i % 2.
        assertEquals("0", rows.get(0)[2]);
        assertEquals("51", rows.get(0)[3]);
        assertEquals("50", rows.get(1)[3]);
        assertEquals("redis", rows.get(2)[2]);
        String[] all = rows.get(3);
        assertEquals("all", all[2]);
        assertEquals("101", all[3]);
        assertEquals("0", all[16], "lost");
        assertEquals("0", all[17], "reordered");
        assertEquals("2", all[18], "client processes");
        assertTrue(Double.parseDouble(all[11]) > 0, "a latency was measured");
        assertTrue(Files.size(chart) > 0);
        assertTrue(Files.size(dir.resolve("nodes-latency.png")) > 0);
        String[] summary = Files.readAllLines(csv).get(1).split(",");
        assertEquals("nettyws-redis-x2-clients2", summary[1]);
        assertEquals("101", summary[3]);
    }

    private static boolean onPath(String program) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(directory, program))) {
                return true;
            }
        }
        return false;
    }
}
