package dev.nettyws.example.chat.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nettyws.example.chat.ChatJson;
import dev.nettyws.example.chat.ChatRooms;
import dev.nettyws.example.chat.ChatSettings;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP transports of the chat through {@link EmbeddedChannel}s, with the embedded loop's clock: numbering and
 * acknowledgement of a session's events (a lost answer comes again, nothing comes twice), the bound on held polls,
 * the long poll's timeout, expiry of a session that stops asking, the bound on what a session queues, the access
 * rules (Origin, content type, method), and the event stream's records and ids.
 */
class HttpChatHandlerTest {
    private static final HttpChatSettings SETTINGS = HttpChatSettings.DEFAULT
        .withTimers(Duration.ofSeconds(25), Duration.ofSeconds(60), Duration.ofSeconds(15)).withSessions(100, 3);

    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private HttpChatService service = service(ChatSettings.DEFAULT.withRate(1000, 1000), SETTINGS);

    private static HttpChatService service(ChatSettings chat, HttpChatSettings http) {
        return new HttpChatService(new ChatRooms(chat), http, List.of(), List.of(), false);
    }

    @AfterEach
    void close() {
        for (EmbeddedChannel channel : channels) {
            channel.finishAndReleaseAll();
        }
    }

    private EmbeddedChannel channel() {
        EmbeddedChannel channel = new EmbeddedChannel(service.newHandler());
        channel.freezeTime();
        channels.add(channel);
        return channel;
    }

    private static FullHttpRequest request(HttpMethod method, String uri, String json) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri,
            json == null ? Unpooled.EMPTY_BUFFER : Unpooled.copiedBuffer(json, StandardCharsets.UTF_8));
        request.headers().set(HttpHeaderNames.HOST, "127.0.0.1:8080");
        if (json != null) {
            request.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        }
        return request;
    }

    /** The response written, with its status and JSON body; released. */
    private static Reply reply(EmbeddedChannel channel) {
        FullHttpResponse response = channel.readOutbound();
        if (response == null) {
            return null;
        }
        try {
            String body = response.content().toString(StandardCharsets.UTF_8);
            return new Reply(response.status().code(), body.isEmpty() ? null : ChatJson.parse(body));
        } finally {
            response.release();
        }
    }

    private record Reply(int status, JsonNode json) {
    }

    private String join(EmbeddedChannel channel, String nick) {
        channel.writeInbound(request(HttpMethod.POST, "/chat/session", "{\"room\":\"r\",\"nick\":\"" + nick + "\"}"));
        Reply reply = reply(channel);
        assertEquals(200, reply.status(), String.valueOf(reply.json()));
        return reply.json().get("session").textValue();
    }

    private Reply poll(EmbeddedChannel channel, String session, long since, boolean wait) {
        channel.writeInbound(request(HttpMethod.GET, "/chat/poll?session=" + session + "&since=" + since
            + (wait ? "&wait=1" : ""), null));
        channel.runPendingTasks();
        return reply(channel);
    }

    private void post(EmbeddedChannel channel, String session, String text, int status) {
        channel.writeInbound(request(HttpMethod.POST, "/chat/send?session=" + session,
            "{\"type\":\"message\",\"text\":\"" + text + "\"}"));
        channel.runPendingTasks();
        assertEquals(status, reply(channel).status());
    }

    private static List<String> types(Reply reply) {
        List<String> types = new ArrayList<>();
        reply.json().get("events").forEach(e -> types.add(e.get("type").textValue()));
        return types;
    }

    private static List<String> texts(Reply reply) {
        List<String> texts = new ArrayList<>();
        reply.json().get("events").forEach(e -> {
            if ("message".equals(e.get("type").textValue())) {
                texts.add(e.get("text").textValue());
            }
        });
        return texts;
    }

    @Test
    void eventsAreNumberedAndALostAnswerComesAgainButNothingTwice() {
        EmbeddedChannel a = channel();
        String session = join(a, "ann");
        Reply first = poll(a, session, 0, false);
        assertEquals(List.of("session", "welcome", "history", "presence"), types(first));
        long next = first.json().get("next").asLong();
        assertEquals(4, next);
        post(a, session, "one", 204);
        post(a, session, "two", 204);
        Reply second = poll(a, session, next, false);
        assertEquals(List.of("one", "two"), texts(second));
        // The answer was lost: asking with the same number gives the same events.
        Reply again = poll(a, session, next, false);
        assertEquals(second.json(), again.json());
        // Asking with the number given: nothing twice.
        Reply after = poll(a, session, second.json().get("next").asLong(), false);
        assertEquals(List.of(), texts(after));
        assertEquals(second.json().get("next"), after.json().get("next"));
        // A number ahead of the session's is refused.
        assertEquals(400, poll(a, session, 1000, false).status());
    }

    @Test
    void aLongPollIsHeldUntilNewsAndEveryEventComesOnceInOrder() {
        EmbeddedChannel a = channel();
        EmbeddedChannel b = channel();
        String reader = join(a, "reader");
        String writer = join(b, "writer");
        long next = poll(a, reader, 0, false).json().get("next").asLong();
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Reply held = poll(a, reader, next, true);
            if (held == null) {
                post(b, writer, "m" + i, 204);
                a.runPendingTasks();
                held = reply(a);
            }
            got.addAll(texts(held));
            next = held.json().get("next").asLong();
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            expected.add("m" + i);
        }
        // Each poll after the first got the join of writer or a message; every message once, in order.
        assertTrue(got.size() >= 19 && expected.subList(0, got.size()).equals(got), got.toString());
    }

    @Test
    void aSecondHeldPollAnswersTheFirstAtOnceAndTheTimeoutAnswersTheLast() {
        EmbeddedChannel a = channel();
        EmbeddedChannel b = channel();
        String session = join(a, "ann");
        long next = poll(a, session, 0, false).json().get("next").asLong();
        assertNull(poll(a, session, next, true), "held");
        assertEquals(1, service.sessions().get(session).heldPolls());
        // The same session polls again on another connection: the first poll is answered, empty.
        b.writeInbound(request(HttpMethod.GET, "/chat/poll?session=" + session + "&since=" + next + "&wait=1", null));
        a.runPendingTasks();
        Reply first = reply(a);
        assertEquals(List.of(), types(first));
        assertEquals(next, first.json().get("next").asLong());
        assertNull(reply(b), "the second is held");
        assertEquals(1, service.sessions().get(session).heldPolls());
        a.advanceTimeBy(25, TimeUnit.SECONDS);
        a.runPendingTasks();
        Reply timedOut = reply(b);
        assertEquals(List.of(), types(timedOut));
        assertEquals(0, service.sessions().get(session).heldPolls());
    }

    @Test
    void aRoomThatRefusesTheMemberEndsTheSessionAndAnswersItsHeldPoll() {
        EmbeddedChannel a = channel();
        String session = join(a, "ann");
        long next = poll(a, session, 0, false).json().get("next").asLong();
        assertNull(poll(a, session, next, true), "held");
        // What a room shared through Redis does when Redis cannot keep the member (ChatSubscriber.refused).
        service.sessions().get(session).refused("cannot join now: Redis did not answer");
        Reply held = reply(a);
        assertEquals(404, held.status());
        assertTrue(held.json().toString().contains("Redis did not answer"), held.json().toString());
        assertEquals(0, service.sessionCount());
        // The member left the room: the nick is free again.
        EmbeddedChannel b = channel();
        String again = join(b, "ann");
        assertEquals("ann", poll(b, again, 0, false).json().get("events").get(1).get("nick").textValue());
    }

    @Test
    void aSessionThatStopsAskingExpiresAndLeavesTheRoom() {
        EmbeddedChannel a = channel();
        String session = join(a, "ann");
        poll(a, session, 0, false);
        assertEquals(1, service.sessionCount());
        a.advanceTimeBy(59, TimeUnit.SECONDS);
        a.runPendingTasks();
        assertEquals(1, service.sessionCount());
        a.advanceTimeBy(2, TimeUnit.SECONDS);
        a.runPendingTasks();
        assertEquals(0, service.sessionCount());
        assertEquals(404, poll(a, session, 0, false).status());
        // The nick is free again: the room no longer holds the member.
        EmbeddedChannel b = channel();
        String again = join(b, "ann");
        Reply welcome = poll(b, again, 0, false);
        assertEquals("ann", welcome.json().get("events").get(1).get("nick").textValue());
    }

    @Test
    void aSessionThatDoesNotKeepUpEndsAtItsQueueBound() {
        service = service(ChatSettings.DEFAULT.withRate(1000, 1000).withHistory(0)
            .withSlowConsumerLimits(64 * 1024, Duration.ofSeconds(10)), SETTINGS);
        EmbeddedChannel a = channel();
        EmbeddedChannel b = channel();
        String idle = join(a, "idle");
        String writer = join(b, "writer");
        String text = "x".repeat(4000);
        long next = 0;
        int posted = 0;
        while (posted < 500 && service.sessions().get(idle) != null) {
            post(b, writer, text, 204);
            posted++;
            next = poll(b, writer, next, false).json().get("next").asLong();
        }
        // The bound: the history a join may bring, two pieces' envelopes, and the slow consumer limit behind.
        long bound = service.maxQueuedBytes();
        assertTrue(bound < 1 << 20, bound + " bytes");
        assertNull(service.sessions().get(idle), "the idle session ended");
        assertTrue(posted * 4000L <= bound + 8000, posted + " messages posted before the end");
        assertEquals(1, service.sessionCount());
    }

    @Test
    void sessionsPerAddressAreBounded() {
        EmbeddedChannel a = channel();
        join(a, "a1");
        join(a, "a2");
        join(a, "a3");
        a.writeInbound(request(HttpMethod.POST, "/chat/session", "{\"nick\":\"a4\"}"));
        Reply refused = reply(a);
        assertEquals(503, refused.status());
        assertEquals("too many sessions from your address", refused.json().get("reason").textValue());
    }

    @Test
    void postsFollowTheChatRulesAndTheSameOriginRule() {
        service = service(ChatSettings.DEFAULT.withRate(1, 2), SETTINGS);
        EmbeddedChannel home = channel();
        EmbeddedChannel a = home;
        String session = join(a, "ann");
        post(a, session, " ", 400);
        post(a, session, "one", 204);
        post(a, session, "two", 204);
        post(a, session, "three", 429);
        FullHttpRequest crossSite = request(HttpMethod.POST, "/chat/send?session=" + session,
            "{\"type\":\"message\",\"text\":\"hi\"}");
        crossSite.headers().set(HttpHeaderNames.ORIGIN, "http://evil.example");
        a.writeInbound(crossSite);
        assertEquals(403, reply(a).status());
        assertFalse(a.isOpen(), "a refused request's connection is closed");
        a = channel();
        FullHttpRequest form = request(HttpMethod.POST, "/chat/send?session=" + session, "text=hi");
        form.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded");
        a.writeInbound(form);
        assertEquals(415, reply(a).status());
        a.writeInbound(request(HttpMethod.GET, "/chat/send?session=" + session, null));
        assertEquals(405, reply(a).status());
        FullHttpRequest rebound = request(HttpMethod.POST, "/chat/session", "{\"nick\":\"x\"}");
        rebound.headers().set(HttpHeaderNames.HOST, "evil.example");
        a.writeInbound(rebound);
        assertEquals(403, reply(a).status());
        for (String host : List.of("127.0.0.1:8080?x", "127.0.0.1:8080#x", "127.0.0.1:8080/x")) {
            EmbeddedChannel c = channel();
            FullHttpRequest odd = request(HttpMethod.POST, "/chat/session", "{\"nick\":\"x\"}");
            odd.headers().set(HttpHeaderNames.HOST, host);
            c.writeInbound(odd);
            assertEquals(403, reply(c).status(), host);
        }
        a = channel();
        FullHttpRequest sameOrigin = request(HttpMethod.POST, "/chat/leave?session=" + session, null);
        sameOrigin.headers().set(HttpHeaderNames.ORIGIN, "http://127.0.0.1:8080");
        a.writeInbound(sameOrigin);
        home.runPendingTasks();
        assertEquals(204, reply(a).status());
        assertEquals(0, service.sessionCount());
    }

    @Test
    void anEventStreamCarriesMessageIdsAndEndsTheSessionWithItsConnection() {
        EmbeddedChannel writerChannel = channel();
        String writer = join(writerChannel, "writer");
        EmbeddedChannel stream = channel();
        stream.writeInbound(request(HttpMethod.GET, "/chat/events?room=r&nick=sse", null));
        HttpResponse head = stream.readOutbound();
        assertEquals("text/event-stream; charset=utf-8", head.headers().get(HttpHeaderNames.CONTENT_TYPE));
        assertTrue(io.netty.handler.codec.http.HttpUtil.isTransferEncodingChunked(head));
        post(writerChannel, writer, "hello", 204);
        stream.runPendingTasks();
        StringBuilder text = new StringBuilder();
        for (Object out; (out = stream.readOutbound()) != null; ) {
            text.append(((HttpContent) out).content().toString(StandardCharsets.UTF_8));
            ReferenceCountUtil.release(out);
        }
        String[] records = text.toString().split("\n\n");
        assertTrue(records[0].startsWith("data: {\"type\":\"session\""), records[0]);
        String last = records[records.length - 1];
        assertTrue(last.startsWith("id: ") && last.contains("\ndata: {\"type\":\"message\"")
            && last.contains("\"text\":\"hello\""), last);
        String id = last.substring(4, last.indexOf('\n'));
        assertTrue(last.contains("\"id\":\"" + id + "\""), last);
        assertEquals(2, service.sessionCount());
        // Anything more on a stream's connection is dropped; closing it ends the session.
        stream.writeInbound(request(HttpMethod.GET, "/chat/poll?session=x", null));
        assertNull(stream.readOutbound());
        stream.close();
        assertEquals(1, service.sessionCount());
        assertFalse(stream.isActive());
    }
}
