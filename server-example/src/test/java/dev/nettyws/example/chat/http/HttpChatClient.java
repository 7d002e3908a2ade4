package dev.nettyws.example.chat.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.nettyws.example.chat.ChatJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A plain HTTP client of the chat's HTTP transports, on the JDK's {@link HttpClient} (HTTP/1.1): joins, polls with
 * the number it was given, posts, and reads an event stream line by line. For tests; one per test thread.
 */
final class HttpChatClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(40);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    private final URI base;
    private String session;
    private long next;

    HttpChatClient(URI page) {
        this.base = page;
    }

    /** A JSON request; the response's status and body. */
    HttpResponse<String> call(String method, String pathAndQuery, String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(TIMEOUT);
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.method(method, HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Joins; returns the session id. */
    String join(String room, String nick) throws IOException, InterruptedException {
        HttpResponse<String> response = call("POST", "/chat/session",
            "{\"room\":\"" + room + "\",\"nick\":\"" + nick + "\"}");
        if (response.statusCode() != 200) {
            throw new IOException("join: " + response.statusCode() + " " + response.body());
        }
        session = ChatJson.parse(response.body()).get("session").textValue();
        next = 0;
        return session;
    }

    /** Polls for the events after the last number given, and takes the next one; the events. */
    List<JsonNode> poll(boolean wait) throws IOException, InterruptedException {
        HttpResponse<String> response = call("GET", "/chat/poll?session=" + session + "&since=" + next
            + (wait ? "&wait=1" : ""), null);
        if (response.statusCode() != 200) {
            throw new IOException("poll: " + response.statusCode() + " " + response.body());
        }
        JsonNode body = ChatJson.parse(response.body());
        next = body.get("next").asLong();
        List<JsonNode> events = new ArrayList<>();
        body.get("events").forEach(events::add);
        return events;
    }

    /** Posts a message; the status. */
    int send(String text) throws IOException, InterruptedException {
        return call("POST", "/chat/send?session=" + session,
            ChatJson.toText(JsonNodeFactory.instance.objectNode().put("type", "message").put("text", text)))
            .statusCode();
    }

    String session() {
        return session;
    }

    /**
     * Opens an event stream; its records (the {@code id} and {@code data} of each) arrive in the returned queue from
     * a reader thread until {@link EventStream#close()}.
     */
    EventStream stream(String room, String nick, String lastEventId) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest
            .newBuilder(base.resolve("/chat/events?room=" + room + "&nick=" + nick))
            .header("Accept", "text/event-stream").GET();
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            response.body().close();
            throw new IOException("stream: " + response.statusCode());
        }
        return new EventStream(response.body());
    }

    /** An SSE record. */
    record Record(String id, JsonNode data) {
    }

    /** An open event stream, read on a thread of its own. */
    static final class EventStream implements AutoCloseable {
        final BlockingQueue<Record> records = new LinkedBlockingQueue<>();
        final List<String> comments = new ArrayList<>();
        private final InputStream body;
        private final Thread reader;

        EventStream(InputStream body) {
            this.body = body;
            this.reader = new Thread(this::read, "sse-reader");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                String id = null;
                StringBuilder data = new StringBuilder();
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.isEmpty()) {
                        if (data.length() > 0) {
                            records.add(new Record(id, ChatJson.parse(data.toString())));
                        }
                        id = null;
                        data.setLength(0);
                    } else if (line.startsWith(":")) {
                        synchronized (comments) {
                            comments.add(line);
                        }
                    } else if (line.startsWith("id: ")) {
                        id = line.substring(4);
                    } else if (line.startsWith("data: ")) {
                        data.append(line, 6, line.length());
                    }
                }
            } catch (IOException e) {
                // Closed.
            }
        }

        @Override
        public void close() throws IOException, InterruptedException {
            body.close();
            reader.join(10_000);
        }
    }
}
