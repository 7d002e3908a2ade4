package dev.nettyws.bench.scale;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A server under test, run as a child JVM so that its heap and RSS are its own: started with a command line, ready
 * once it prints a line containing {@code ready}, measured with {@code jcmd GC.class_histogram} (which runs a full GC
 * first, so its total is the live heap) and {@code /proc/PID/status}, and destroyed at the end.
 */
final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final List<String> output = new ArrayList<>();

    private ServerProcess(Process process) {
        this.process = process;
    }

    /** Starts {@code command} and waits (at most 60 s) for an output line containing {@code ready}. */
    static ServerProcess start(List<String> command, String ready) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        ServerProcess server = new ServerProcess(process);
        CountDownLatch started = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (server.output) {
                        if (server.output.size() < 10_000) {
                            server.output.add(line);
                        }
                    }
                    if (line.contains(ready)) {
                        started.countDown();
                    }
                }
            } catch (IOException e) {
                // The process ended.
            }
        }, "server-output");
        reader.setDaemon(true);
        reader.start();
        if (!started.await(60, TimeUnit.SECONDS)) {
            server.close();
            throw new IllegalStateException("the server did not start: " + server.output());
        }
        return server;
    }

    long pid() {
        return process.pid();
    }

    List<String> output() {
        synchronized (output) {
            return new ArrayList<>(output);
        }
    }

    /** The live heap in bytes: the total of a class histogram, taken after the full GC it triggers. */
    long liveHeapBytes() throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process histogram = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), "GC.class_histogram")
            .redirectErrorStream(true).start();
        String text = new String(histogram.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!histogram.waitFor(120, TimeUnit.SECONDS)) {
            histogram.destroyForcibly();
            throw new IllegalStateException("jcmd did not finish");
        }
        for (String line : text.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("Total")) {
                String[] fields = trimmed.split("\\s+");
                return Long.parseLong(fields[2]);
            }
        }
        throw new IllegalStateException("no Total line in jcmd's class histogram: " + text);
    }

    /** The resident set size in bytes, from {@code /proc/PID/status}. */
    long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/" + pid() + "/status");
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(15, TimeUnit.SECONDS);
        }
    }
}
