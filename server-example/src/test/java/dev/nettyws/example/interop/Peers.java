package dev.nettyws.example.interop;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds and runs the independent peers under {@code interop/}. A missing peer fails the test (it never skips): run
 * {@code scripts/install-test-peers.sh}.
 */
final class Peers {
    /** Debian's Python, which has the python3-websockets package. */
    static final String PYTHON = "/usr/bin/python3";
    private static final long PROCESS_TIMEOUT_SECONDS = 90;

    private Peers() {
    }

    /** The repository root: the nearest directory up from the working directory that holds {@code interop/}. */
    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (int i = 0; dir != null && i < 5; i++, dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("interop")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new AssertionError("no interop/ directory above " + Path.of("").toAbsolutePath());
    }

    /** Fails unless {@code /usr/bin/python3} can import {@code websockets}. */
    static void requirePythonWebsockets() throws Exception {
        assertTrue(Files.isExecutable(Path.of(PYTHON)), PYTHON + " is missing");
        Result result = run(List.of(PYTHON, "-c", "import websockets; print(websockets.__version__)"));
        assertTrue(result.exitCode() == 0, () -> "python3-websockets is missing (run scripts/install-test-peers.sh): "
            + result.output());
    }

    /** Fails unless {@code node} runs and {@code interop/node/node_modules/ws} is installed. */
    static void requireNodeWs() throws Exception {
        Path modules = repositoryRoot().resolve("interop/node/node_modules/ws/package.json");
        assertTrue(Files.isRegularFile(modules), () -> modules + " is missing (run scripts/install-test-peers.sh)");
        Result result = run(List.of("node", "--version"));
        assertTrue(result.exitCode() == 0, () -> "node does not run: " + result.output());
    }

    /**
     * Runs a command in the repository root, stdout and stderr merged, and waits for it (bounded). The process is
     * destroyed if it outlives the timeout or the wait is interrupted.
     */
    static Result run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(repositoryRoot().toFile()).redirectErrorStream(true)
            .start();
        try {
            process.getOutputStream().close();
            StringBuilder output = new StringBuilder();
            Thread reader = new Thread(() -> drain(process.getInputStream(), output), "peer-output");
            reader.setDaemon(true);
            reader.start();
            if (!process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                reader.join(TimeUnit.SECONDS.toMillis(5));
                fail(command + " did not finish within " + PROCESS_TIMEOUT_SECONDS + " s; output so far:\n"
                    + snapshot(output));
            }
            reader.join(TimeUnit.SECONDS.toMillis(5));
            return new Result(process.exitValue(), snapshot(output));
        } finally {
            process.destroyForcibly();
        }
    }

    private static void drain(InputStream in, StringBuilder output) {
        try (in) {
            byte[] buffer = new byte[4096];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (output) {
                    output.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            synchronized (output) {
                output.append("\n[output read failed: ").append(e).append(']');
            }
        }
    }

    private static String snapshot(StringBuilder output) {
        synchronized (output) {
            return output.toString();
        }
    }

    /** A finished process: exit code and merged output. */
    record Result(int exitCode, String output) {
    }
}
