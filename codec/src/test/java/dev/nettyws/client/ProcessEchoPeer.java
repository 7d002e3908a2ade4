package dev.nettyws.client;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An echo server of another WebSocket implementation, run as a child process: the Python {@code websockets} server
 * in {@code interop/python/echo_server.py} or the Node {@code ws} server in {@code interop/node/echo-server.js}.
 * The script prints its ephemeral port on its first stdout line. A missing interpreter or library fails the
 * start, with the script's stderr in the message: the tests never skip a missing peer.
 */
final class ProcessEchoPeer implements EchoPeer {
    private static final long START_SECONDS = 30;

    private final String name;
    private final Process process;
    private final int port;

    private ProcessEchoPeer(String name, List<String> command, Path log) throws IOException {
        this.name = name;
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE);
        this.process = builder.start();
        this.port = readPort(log);
    }

    /** Starts the Python {@code websockets} echo server with {@code /usr/bin/python3}. */
    static ProcessEchoPeer python() throws IOException {
        return python(false);
    }

    /** As {@link #python()}; with {@code deflate} the server accepts permessage-deflate (RFC 7692). */
    static ProcessEchoPeer python(boolean deflate) throws IOException {
        Path script = interop().resolve("python/echo_server.py");
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", script.toString()));
        if (deflate) {
            command.add("--deflate");
        }
        return new ProcessEchoPeer(deflate ? "python-websockets-deflate" : "python-websockets", command,
            log(deflate ? "python-echo-server-deflate" : "python-echo-server"));
    }

    /** Starts the Node {@code ws} echo server (its {@code node_modules} come from scripts/install-test-peers.sh). */
    static ProcessEchoPeer node() throws IOException {
        return node(false);
    }

    /** As {@link #node()}; with {@code deflate} the server accepts permessage-deflate and compresses every message. */
    static ProcessEchoPeer node(boolean deflate) throws IOException {
        Path dir = interop().resolve("node");
        if (!Files.isDirectory(dir.resolve("node_modules/ws"))) {
            throw new IllegalStateException("Node ws is not installed in " + dir
                + ": run scripts/install-test-peers.sh (npm ci in interop/node)");
        }
        List<String> command = new ArrayList<>(List.of("node", dir.resolve("echo-server.js").toString()));
        if (deflate) {
            command.add("--deflate");
        }
        return new ProcessEchoPeer(deflate ? "node-ws-deflate" : "node-ws", command,
            log(deflate ? "node-echo-server-deflate" : "node-echo-server"));
    }

    /** The repository's {@code interop} folder, found upwards from the working directory. */
    static Path interop() {
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("interop");
            if (Files.isDirectory(candidate.resolve("python"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no interop/ folder above " + Paths.get("").toAbsolutePath());
    }

    private static Path log(String name) throws IOException {
        Path dir = Paths.get("target");
        Files.createDirectories(dir);
        return dir.resolve(name + ".log");
    }

    private int readPort(Path log) throws IOException {
        BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8));
        CompletableFuture<String> firstLine = CompletableFuture.supplyAsync(() -> {
            try {
                return stdout.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String line;
        try {
            line = firstLine.get(START_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            line = null;
        }
        if (line == null || !line.trim().matches("\\d+")) {
            close();
            throw new IllegalStateException(name + " echo server did not start (first line: " + line + "); stderr:\n"
                + readLog(log.toFile()));
        }
        return Integer.parseInt(line.trim());
    }

    private static String readLog(File log) {
        try {
            return Files.readString(log.toPath());
        } catch (IOException e) {
            return "(no log: " + e + ')';
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port + path);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
