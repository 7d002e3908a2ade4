package dev.nettyws.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An {@link EchoServer} in a child JVM, optionally pinned to CPUs with {@code taskset}, and its CPU time as the
 * kernel accounts it ({@code utime + stime} from {@code /proc/<pid>/stat}, in clock ticks of 10 ms).
 *
 * <p>Used from the load tool's main thread only. {@link #close()} closes the child's standard input (the server's
 * signal to stop) and kills it if it has not exited within a few seconds.
 */
final class ServerProcess implements AutoCloseable {
    /** Linux's USER_HZ, the unit of the times in /proc/pid/stat, on every architecture the JDK supports. */
    private static final double TICKS_PER_SECOND = 100.0;

    private final Process process;
    private final int port;
    private final String transport;

    private ServerProcess(Process process, int port, String transport) {
        this.process = process;
        this.port = port;
        this.transport = transport;
    }

    /**
     * Starts a server and waits until it listens.
     *
     * @param kind which server
     * @param cpus a {@code taskset -c} CPU list, or null not to pin
     * @param heap the child's {@code -Xmx}/{@code -Xms}, such as {@code 512m}
     * @return the running server
     * @throws IOException if it cannot be started or does not report its port
     */
    static ServerProcess start(ServerKind kind, String cpus, String heap) throws IOException {
        List<String> command = new ArrayList<>();
        if (cpus != null && !cpus.isEmpty()) {
            command.add("taskset");
            command.add("-c");
            command.add(cpus);
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xms" + heap);
        command.add("-Xmx" + heap);
        command.add("-Dio.netty.leakDetection.level=disabled");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(EchoServer.class.getName());
        command.add("--kind=" + kind.label());
        Process process = new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.US_ASCII));
        String line = out.readLine();
        if (line == null || !line.startsWith("LISTENING ")) {
            process.destroyForcibly();
            throw new IOException("server " + kind.label() + " did not start: " + line);
        }
        String[] parts = line.split(" ");
        return new ServerProcess(process, Integer.parseInt(parts[1]), parts.length > 2 ? parts[2] : "?");
    }

    /** The port the server listens on, on 127.0.0.1. */
    int port() {
        return port;
    }

    /** The transport the server resolved ({@code epoll} or {@code nio}). */
    String transport() {
        return transport;
    }

    /** The child's process id. */
    long pid() {
        return process.pid();
    }

    /**
     * CPU seconds the server has used so far, user plus system, from {@code /proc/<pid>/stat}. With {@code taskset}
     * in front, the child is the JVM itself ({@code taskset} execs it), so the pid is the server's.
     *
     * @return seconds, with a resolution of 10 ms
     * @throws IOException if the file cannot be read (not Linux, or the server exited)
     */
    double cpuSeconds() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"),
            StandardCharsets.US_ASCII);
        // The command name (field 2) is in parentheses and may contain spaces: count fields after its end.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // What follows the name starts with field 3 (state), so utime (field 14) and stime (15) are at 11 and 12.
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks / TICKS_PER_SECOND;
    }

    @Override
    public void close() throws IOException {
        process.getOutputStream().close();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
