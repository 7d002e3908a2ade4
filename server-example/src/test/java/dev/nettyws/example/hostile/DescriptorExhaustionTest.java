package dev.nettyws.example.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.example.Main;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server out of file descriptors (EMFILE): the real {@link Main} in a child JVM whose soft limit is
 * {@value #SOFT_LIMIT} descriptors, and {@value #CONNECTIONS} idle connections from this test, more than it can
 * accept. It must log the failed accepts without a storm (one line, then at most one per 10 s), keep its listening
 * socket, and serve a new client once the idle connections are gone.
 */
@Timeout(90)
class DescriptorExhaustionTest {
    private static final int SOFT_LIMIT = 256;
    private static final int CONNECTIONS = 400;
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+) ");

    @Test
    void acceptFailuresAreLoggedOnceAndTheServerRecoversWhenDescriptorsAreFree() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // The JVM raises its soft limit to the hard one unless told not to (MaxFDLimit).
        String command = "ulimit -Sn " + SOFT_LIMIT + " && exec '" + java + "' -XX:-MaxFDLimit -cp '"
            + System.getProperty("java.class.path") + "' " + Main.class.getName()
            + " --port 0 --max-connections-per-address 0";
        Process process = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
        List<String> log = new ArrayList<>();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> readLog(process.getInputStream(), log, port), "child-log");
        reader.start();
        List<Socket> idle = new ArrayList<>();
        try {
            InetSocketAddress server = new InetSocketAddress("127.0.0.1", port.get(30, TimeUnit.SECONDS));
            long start = System.nanoTime();
            for (int i = 0; i < CONNECTIONS; i++) {
                Socket socket = new Socket();
                socket.connect(server, 10_000);
                idle.add(socket);
            }
            // The backlog holds what the server cannot accept; it retries once a second.
            awaitLine(log, "accept failed", 20);
            Thread.sleep(3_000);
            long exhaustedSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            for (Socket socket : idle) {
                socket.close();
            }
            idle.clear();
            awaitLine(log, "accepting connections again", 20);

            try (Socket client = new Socket()) {
                client.connect(server, 10_000);
                client.setSoTimeout(10_000);
                OutputStream out = client.getOutputStream();
                out.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
                String status = new String(client.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                assertEquals("HTTP/1.1 200", status, "a new client is served after the shortage");
            }
            List<String> lines = snapshot(log);
            long failureLines = lines.stream().filter(line -> line.contains("accept failed")).count();
            assertTrue(lines.stream().anyMatch(line -> line.contains("Too many open files")), lines::toString);
            assertTrue(failureLines <= 1 + exhaustedSeconds / 10, failureLines + " lines about failed accepts in "
                + exhaustedSeconds + " s:\n" + String.join("\n", lines));
            assertEquals(0, lines.stream().filter(line -> line.contains("reached at the tail of the pipeline"))
                .count(), "Netty's per-failure warning");
            System.out.printf("EMFILE: %d lines about failed accepts in %d s of exhaustion%n", failureLines,
                exhaustedSeconds);
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static void readLog(InputStream output, List<String> log, CompletableFuture<Integer> port) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                synchronized (log) {
                    log.add(line);
                }
                Matcher matcher = LISTENING.matcher(line);
                if (matcher.find()) {
                    port.complete(Integer.parseInt(matcher.group(1)));
                }
            }
        } catch (IOException e) {
            // The process ended.
        }
        port.completeExceptionally(new AssertionError("the server ended without listening: " + snapshot(log)));
    }

    private static List<String> snapshot(List<String> log) {
        synchronized (log) {
            return new ArrayList<>(log);
        }
    }

    private static void awaitLine(List<String> log, String text, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (snapshot(log).stream().anyMatch(line -> line.contains(text))) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no line with '" + text + "' in " + seconds + " s:\n"
            + String.join("\n", snapshot(log)));
    }
}
