package dev.nettyws.group;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A receiving client on the JDK's {@code java.net.http.WebSocket}, an independent implementation: it collects the
 * text messages it receives, whole, in order.
 */
final class JdkReceiver implements WebSocket.Listener, AutoCloseable {
    private final List<String> messages = new ArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private final WebSocket webSocket;

    private JdkReceiver(HttpClient client, URI uri) throws Exception {
        this.webSocket = client.newWebSocketBuilder().buildAsync(uri, this).get(10, TimeUnit.SECONDS);
    }

    /** Opens a connection to {@code uri} with a client of its own. */
    static JdkReceiver connect(URI uri) throws Exception {
        return new JdkReceiver(HttpClient.newHttpClient(), uri);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        synchronized (messages) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
                messages.notifyAll();
            }
        }
        ws.request(1);
        return null;
    }

    /** Waits until {@code count} messages have arrived and returns them (the count is bounded by a timeout). */
    List<String> await(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        synchronized (messages) {
            while (messages.size() < count && System.nanoTime() < deadline) {
                messages.wait(100);
            }
            assertTrue(messages.size() >= count, "received " + messages.size() + " of " + count + " messages");
            return new ArrayList<>(messages);
        }
    }

    /** How many whole messages arrived so far. */
    int count() {
        synchronized (messages) {
            return messages.size();
        }
    }

    @Override
    public void close() {
        webSocket.abort();
    }
}
