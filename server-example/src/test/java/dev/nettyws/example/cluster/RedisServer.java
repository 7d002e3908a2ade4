package dev.nettyws.example.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} process for the tests, on 127.0.0.1 and a free port, with its own directory, stopped
 * by its PID. It can be paused (SIGSTOP: the socket stays open, nothing is answered), resumed, killed and restarted
 * on the same port with the same directory (so an append-only file or a cluster's node file survives). Redis cannot
 * listen on port 0, so a port is picked from 20000-22767 (below the kernel's ephemeral range, and so is the cluster
 * bus port, 10000 above it), checked free, and another is tried when redis-server still fails to bind it.
 */
public final class RedisServer implements AutoCloseable {
    private static final int FIRST_PORT = 20000;
    private static final int PORTS = 2768;
    private static final long START_MILLIS = 15_000;

    final int port;
    final Path dir;
    private final List<String> options;
    private Process process;
    private volatile boolean paused;

    private RedisServer(int port, Path dir, List<String> options) {
        this.port = port;
        this.dir = dir;
        this.options = options;
    }

    /**
     * Starts a server with {@code --save '' --appendonly no} and then {@code options} (which may override them), and
     * waits until it answers PING.
     */
    public static RedisServer start(String... options) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("nettyws-redis-");
        IOException last = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            int port = FIRST_PORT + ThreadLocalRandom.current().nextInt(PORTS);
            if (!free(port) || !free(port + 10_000)) {
                continue;
            }
            RedisServer server = new RedisServer(port, dir, List.of(options));
            try {
                server.launch();
                return server;
            } catch (IOException e) {
                // Most likely someone took the port between the check and the bind: try another.
                last = e;
            }
        }
        RedisServers.deleteTree(dir);
        throw new IOException("could not start redis-server on a free port", last);
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The URI for Lettuce. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    /** Stops answering: SIGSTOP. The connections stay open; commands wait in the socket buffers. */
    public void pause() throws IOException, InterruptedException {
        signal("-STOP");
        paused = true;
    }

    /** Answers again: SIGCONT. */
    public void resume() throws IOException, InterruptedException {
        signal("-CONT");
        paused = false;
    }

    boolean isPaused() {
        return paused;
    }

    /** Dies at once (SIGKILL), as a crashed server does, and waits for the process to end. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Kills the server and starts it again on the same port and directory; waits until it answers. */
    public void restart() throws IOException, InterruptedException {
        kill();
        launch();
    }

    /** Sends one command and returns the raw reply's first line (for instance {@code +PONG} or {@code -MOVED ...}). */
    String command(String... words) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(5000);
            StringBuilder request = new StringBuilder("*").append(words.length).append("\r\n");
            for (String word : words) {
                request.append('$').append(word.getBytes(StandardCharsets.UTF_8).length).append("\r\n")
                    .append(word).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            String first = readLine(in);
            if (first.startsWith("$") && !first.equals("$-1")) {
                int length = Integer.parseInt(first.substring(1));
                return new String(in.readNBytes(length), StandardCharsets.UTF_8);
            }
            return first;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    /** Stops the server (SIGTERM, then SIGKILL if it lingers) and deletes its directory. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            resume();
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                kill();
            }
        }
        RedisServers.deleteTree(dir);
    }

    private void launch() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port),
            "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", "", "--appendonly", "no"));
        command.addAll(options);
        process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis-" + port + ".log").toFile()))
            .start();
        RedisServers.track(process);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_MILLIS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("redis-server on port " + port + " exited with " + process.exitValue() + ": "
                    + Files.readString(dir.resolve("redis-" + port + ".log")).lines().reduce((a, b) -> b).orElse(""));
            }
            try {
                if (command("PING").equals("+PONG")) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet, or loading its data.
            }
            Thread.sleep(20);
        }
        kill();
        throw new IOException("redis-server on port " + port + " did not answer PING within " + START_MILLIS + " ms");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).start();
        if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill " + signal + " " + process.pid() + " failed");
        }
    }

    @Override
    public String toString() {
        return "redis-server 127.0.0.1:" + port + " (pid " + (process == null ? "-" : process.pid()) + ')';
    }
}
