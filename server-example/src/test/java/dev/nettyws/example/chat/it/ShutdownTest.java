package dev.nettyws.example.chat.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.client.WebSocketClient;
import dev.nettyws.client.WebSocketClientConfig;
import dev.nettyws.example.Main;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Stopping the server process (RFC 6455 §7.4.1, 1001 going away): the real {@link Main} in a child JVM, two chat
 * clients connected, then SIGTERM ({@link Process#destroy()} sends it on Linux). Each client must see a close with
 * 1001 and the process must exit with 0 within a bounded time.
 */
class ShutdownTest {
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+) ");

    @Test
    void sigtermClosesEveryWebSocketWith1001AndExitsZero() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
            Main.class.getName(), "--port", "0", "--host", "127.0.0.1"))
            .redirectErrorStream(true)
            .start();
        StringBuilder log = new StringBuilder();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    synchronized (log) {
                        log.append(line).append('\n');
                    }
                    Matcher matcher = LISTENING.matcher(line);
                    if (matcher.find()) {
                        port.complete(Integer.parseInt(matcher.group(1)));
                    }
                }
            } catch (IOException e) {
                // destroy() closed the stream.
            }
            port.completeExceptionally(new AssertionError("the server ended without listening"));
        }, "child-log");
        reader.start();
        try (WebSocketClient ours = new WebSocketClient(WebSocketClientConfig.DEFAULT)) {
            URI chat = URI.create("ws://127.0.0.1:" + port.get(30, TimeUnit.SECONDS) + "/chat");
            ChatClient alice = new ChatClient.Ours(ours, ChatClient.uri(chat, "lobby", "alice"));
            ChatClient bob = new ChatClient.Jdk(HttpClient.newHttpClient(), ChatClient.uri(chat, "lobby", "bob"));
            alice.next("join");
            bob.next("presence");

            process.destroy();

            assertTrue(process.waitFor(20, TimeUnit.SECONDS), () -> "still running 20 s after SIGTERM\n" + log);
            assertEquals(1001, alice.closeCode.get(5, TimeUnit.SECONDS), "our client's close code");
            assertEquals(1001, bob.closeCode.get(5, TimeUnit.SECONDS), "the JDK client's close code");
            // Process.destroy() also closes our end of the child's output, so its last log lines are not read here.
            assertEquals(0, process.exitValue(), () -> "exit code; log:\n" + log);
        } finally {
            process.destroyForcibly();
        }
    }
}
