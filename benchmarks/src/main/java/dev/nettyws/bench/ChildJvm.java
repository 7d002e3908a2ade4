package dev.nettyws.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A server under test in a process of its own, so that its CPU time, heap and resident memory are its own: started
 * from a command line, ready once it prints a line containing a marker, measured from {@code /proc} and with
 * {@code jcmd}, and stopped at the end. Its standard output and error are read (and the last lines kept) by a
 * daemon thread, so it never blocks on a full pipe.
 *
 * <p>Used from one benchmark thread. {@link #close()} closes the child's standard input (the load tool's echo
 * servers stop on that), then sends SIGTERM, then kills it if it has still not exited.
 */
public final class ChildJvm implements AutoCloseable {
    /** Linux's USER_HZ, the unit of the times in /proc/pid/stat, on every architecture the JDK supports. */
    private static final double TICKS_PER_SECOND = 100.0;
    private static final int KEPT_LINES = 200;

    private final Process process;
    private final List<String> output = new ArrayList<>();
    private final CompletableFuture<String> ready = new CompletableFuture<>();

    private ChildJvm(Process process) {
        this.process = process;
    }

    /**
     * The command line of a JVM running this process's class path: {@code [taskset -c CPUS] java -Xms -Xmx ARGS}.
     *
     * @param cpus a {@code taskset -c} CPU list, or null not to pin
     * @param heap {@code -Xms} and {@code -Xmx}, such as {@code 512m}
     * @param args JVM options, then the main class or {@code -jar JAR}, then its arguments
     * @return a new mutable list
     */
    public static List<String> java(String cpus, String heap, String... args) {
        List<String> command = new ArrayList<>();
        if (cpus != null && !cpus.isEmpty()) {
            // taskset execs the JVM, so the child's pid is the JVM's.
            command.addAll(List.of("taskset", "-c", cpus));
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xms" + heap);
        command.add("-Xmx" + heap);
        command.add("-Dio.netty.leakDetection.level=disabled");
        command.addAll(List.of(args));
        return command;
    }

    /**
     * Starts a process and waits until it prints a line containing {@code ready}.
     *
     * @param command the command line
     * @param ready what the line telling that the server listens contains
     * @param timeoutSeconds how long to wait for that line
     * @return the running process
     * @throws IOException if it cannot be started, exits, or does not get ready in time (it is then killed)
     */
    public static ChildJvm start(List<String> command, String ready, int timeoutSeconds) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        ChildJvm child = new ChildJvm(process);
        Thread reader = new Thread(() -> child.read(ready), "child-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        try {
            child.ready.get(timeoutSeconds, TimeUnit.SECONDS);
            return child;
        } catch (ExecutionException | TimeoutException e) {
            child.kill();
            throw new IOException("not ready: " + String.join(" ", command) + "\n" + String.join("\n",
                child.output()));
        } catch (InterruptedException e) {
            child.kill();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private void read(String marker) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                synchronized (output) {
                    if (output.size() == KEPT_LINES) {
                        output.remove(0);
                    }
                    output.add(line);
                }
                if (!ready.isDone() && line.contains(marker)) {
                    ready.complete(line);
                }
            }
        } catch (IOException e) {
            // The process ended.
        }
        ready.completeExceptionally(new IOException("exited"));
    }

    /** The line that said the server is ready. */
    public String readyLine() {
        return ready.getNow("");
    }

    /** The last lines the process printed. */
    public List<String> output() {
        synchronized (output) {
            return new ArrayList<>(output);
        }
    }

    /**
     * Writes a line to the process's standard input (the load tool's echo servers read commands there).
     *
     * @param line the line, without its end
     * @throws IOException if the pipe is closed
     */
    public void send(String line) throws IOException {
        process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    /**
     * Waits until the process has printed a line that starts with {@code prefix} (among the lines it kept).
     *
     * @param prefix what the line starts with
     * @param timeoutSeconds how long to wait
     * @return the line
     * @throws IOException if no such line came in time
     */
    public String await(String prefix, int timeoutSeconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            for (String line : output()) {
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
            Thread.sleep(20);
        }
        throw new IOException("no line starting with '" + prefix + "' within " + timeoutSeconds + " s:\n"
            + String.join("\n", output()));
    }

    /** The process id. */
    public long pid() {
        return process.pid();
    }

    /**
     * CPU seconds the process has used so far, user plus system, from {@code /proc/<pid>/stat}.
     *
     * @return seconds, with a resolution of 10 ms
     * @throws IOException if the file cannot be read (not Linux, or the process exited)
     */
    public double cpuSeconds() throws IOException {
        return cpuSecondsOf(Path.of("/proc", Long.toString(pid()), "stat"));
    }

    private static double cpuSecondsOf(Path statFile) throws IOException {
        String stat = Files.readString(statFile, StandardCharsets.US_ASCII);
        // The command name (field 2) is in parentheses and may contain spaces: count fields after its end.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // What follows the name starts with field 3 (state), so utime (field 14) and stime (15) are at 11 and 12.
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }

    /**
     * CPU seconds used so far by the process's threads whose name starts with a prefix (such as a server's event
     * loop threads, leaving out the JIT compiler and GC threads), from {@code /proc/<pid>/task/<tid>/stat}. Linux
     * keeps 15 characters of a thread's name.
     *
     * @param prefixes thread name prefixes
     * @return seconds, with a resolution of 10 ms; threads that ended are not counted
     * @throws IOException if the task directory cannot be read
     */
    public double threadCpuSeconds(String... prefixes) throws IOException {
        double seconds = 0;
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid()), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).trim();
                    for (String prefix : prefixes) {
                        if (name.startsWith(prefix)) {
                            seconds += cpuSecondsOf(task.resolve("stat"));
                            break;
                        }
                    }
                } catch (IOException e) {
                    // The thread ended in between.
                }
            }
        }
        return seconds;
    }

    /**
     * The live objects by class: {@code jcmd PID GC.class_histogram}, which runs a full GC first.
     *
     * @throws IOException if jcmd fails or prints no total
     */
    public ClassHistogram classHistogram() throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process histogram = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), "GC.class_histogram")
            .redirectErrorStream(true).start();
        String text = new String(histogram.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!histogram.waitFor(120, TimeUnit.SECONDS)) {
            histogram.destroyForcibly();
            throw new IOException("jcmd did not finish");
        }
        try {
            return ClassHistogram.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * The resident set size in bytes, from {@code /proc/<pid>/status}.
     *
     * @throws IOException if the file cannot be read or has no {@code VmRSS}
     */
    public long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/" + pid() + "/status");
    }

    private void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    kill();
                }
            }
        } catch (IOException e) {
            kill();
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
        }
    }
}
