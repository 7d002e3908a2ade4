package dev.nettyws.example.interop;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's own client, {@link java.net.http.WebSocket} (JEP 321), as an independent peer. It reassembles messages
 * itself but may hand one frame over in several calls, so {@link Message#frames()} is 0 (unknown).
 */
final class JdkEchoClient implements EchoClient {
    private static final long TIMEOUT_SECONDS = 10;

    private final ExecutorService executor = Executors.newFixedThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "jdk-websocket-client");
        thread.setDaemon(true);
        return thread;
    });
    private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final WebSocket webSocket;

    private JdkEchoClient(URI uri) throws Exception {
        HttpClient http = HttpClient.newBuilder().executor(executor).connectTimeout(Duration.ofSeconds(TIMEOUT_SECONDS))
            .build();
        try {
            webSocket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(TIMEOUT_SECONDS))
                .buildAsync(uri, new Collector()).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            executor.shutdownNow();
            throw e;
        }
    }

    static JdkEchoClient connect(URI uri) throws Exception {
        return new JdkEchoClient(uri);
    }

    @Override
    public void sendText(String text, boolean first, boolean last) throws Exception {
        webSocket.sendText(text, last).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void sendBinary(byte[] data, boolean first, boolean last) throws Exception {
        webSocket.sendBinary(ByteBuffer.wrap(data), last).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public Message receive() throws Exception {
        return next(Message.class);
    }

    @Override
    public byte[] ping(byte[] payload) throws Exception {
        webSocket.sendPing(ByteBuffer.wrap(payload)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return next(byte[].class);
    }

    @Override
    public Close close(int code, String reason) throws Exception {
        webSocket.sendClose(code, reason).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return next(Close.class);
    }

    @Override
    public Close awaitServerClose() throws Exception {
        // onClose returns null, so the client answers the close on its own as soon as it returns.
        return next(Close.class);
    }

    private <T> T next(Class<T> type) throws Exception {
        Object next = inbox.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(next, () -> "no " + type.getSimpleName() + " within " + TIMEOUT_SECONDS + " s");
        if (next instanceof Throwable) {
            throw new AssertionError("JDK client failed", (Throwable) next);
        }
        if (!type.isInstance(next)) {
            throw new AssertionError("expected a " + type.getSimpleName() + ", got " + next);
        }
        return type.cast(next);
    }

    @Override
    public void close() {
        try {
            webSocket.abort();
        } finally {
            executor.shutdownNow();
        }
    }

    /** Reassembles messages; called by the client's threads one event at a time. */
    private final class Collector implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public void onOpen(WebSocket ws) {
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                inbox.add(new Message(true, text.toString().getBytes(StandardCharsets.UTF_8), 0));
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            binary.writeBytes(bytes);
            if (last) {
                inbox.add(new Message(false, binary.toByteArray(), 0));
                binary.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
            byte[] bytes = new byte[message.remaining()];
            message.get(bytes);
            inbox.add(bytes);
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            inbox.add(new Close(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            inbox.add(error);
        }
    }
}
