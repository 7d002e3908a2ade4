package dev.nettyws.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.handshake.ServerHandshakeConfig;
import dev.nettyws.testsupport.HandshakeRequest;
import dev.nettyws.testsupport.RawHttpResponse;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The handshake timeout runs from the moment the connection is accepted, not from when a request starts, so a
 * client that sends its request slowly cannot hold the connection (slowloris). Time is the embedded event loop's,
 * advanced by hand: no test waits.
 */
class HandshakeTimeoutTest {
    private TestServer server = TestServer.at("/chat");

    @AfterEach
    void releaseEverything() {
        server.channel.finishAndReleaseAll();
    }

    private void advance(long millis) {
        server.channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        server.channel.runScheduledPendingTasks();
    }

    private void assertTimedOut() {
        RawHttpResponse response = server.response();
        assertEquals(408, response.status());
        assertEquals("handshake timed out", response.body());
        assertEquals("close", response.header("Connection"));
        assertEquals(0, response.rest().length, "one answer only");
        assertFalse(server.channel.isOpen());
    }

    @Test
    void silentConnectionIsClosedWith408AfterTheTimeout() {
        advance(9_999);
        assertTrue(server.channel.isOpen());
        assertNull(server.channel.readOutbound());
        advance(1);
        assertTimedOut();
    }

    @Test
    void timeoutCountsFromAcceptNotFromTheFirstByte() {
        advance(9_000);
        byte[] request = HandshakeRequest.to("/chat").bytes();
        server.send(Arrays.copyOf(request, request.length - 2));
        advance(999);
        assertTrue(server.channel.isOpen());
        advance(1);
        assertTimedOut();
        assertNull(server.initialized);
    }

    @Test
    void slowRequestTrickledByteByByteIsCutOff() {
        byte[] request = HandshakeRequest.to("/chat").bytes();
        for (int i = 0; i < request.length - 1 && server.channel.isOpen(); i++) {
            server.send(new byte[] {request[i]});
            advance(500);
        }
        assertTimedOut();
    }

    @Test
    void configuredTimeoutIsUsed() {
        server = new TestServer(ServerHandshakeConfig.builder().path("/chat").handshakeTimeout(Duration.ofMillis(250))
            .build());
        advance(249);
        assertTrue(server.channel.isOpen());
        advance(1);
        assertTimedOut();
    }

    @Test
    void timeoutIsCancelledBySuccess() {
        advance(9_000);
        server.send(HandshakeRequest.to("/chat").toBuf());
        assertEquals(101, server.response().status());
        assertEquals(-1, server.channel.runScheduledPendingTasks(), "no task left scheduled");
        advance(60_000);
        assertTrue(server.channel.isOpen());
        assertNull(server.channel.readOutbound());
    }

    @Test
    void timeoutIsCancelledByARefusal() {
        server.send(HandshakeRequest.to("/chat").remove("Host").toBuf());
        assertEquals(400, server.response().status());
        assertEquals(-1, server.channel.runScheduledPendingTasks(), "no task left scheduled");
    }

    @Test
    void timeoutIsCancelledWhenTheConnectionCloses() {
        server.channel.close();
        assertEquals(-1, server.channel.runScheduledPendingTasks());
    }

    @Test
    void slowResponseGetsTheExchangeTimeoutAndTheNextRequestTheHandshakeTimeout() {
        server.pages.hold = true;
        advance(5_000);
        server.send(HandshakeRequest.plainGet("/slow").toBuf());
        advance(29_999);
        assertTrue(server.channel.isOpen(), "a slow HTTP response is not a slow client");
        server.pages.answerHeld();
        assertEquals("page /slow", server.response().body());
        advance(9_999);
        assertTrue(server.channel.isOpen());
        advance(1);
        assertTimedOut();
    }

    @Test
    void responseNeverWrittenEndsTheConnectionAtTheExchangeTimeout() {
        server.pages.hold = true;
        server.send(HandshakeRequest.plainGet("/never").toBuf());
        advance(29_999);
        assertTrue(server.channel.isOpen());
        advance(1);
        assertFalse(server.channel.isOpen());
        assertNull(server.channel.readOutbound(), "no answer put in front of the one owed");
    }

    @Test
    void answeredRequestWhoseBodyNeverEndsIsClosedAtTheExchangeTimeout() {
        // GET / with Content-Length: 1000000000, answered at once (as a page handler does): the body keeps the
        // exchange open, and it must not escape every timer.
        server.pages.answerOnHead = true;
        server.send(HandshakeRequest.plainGet("/").add("Content-Length", "1000000000").toBuf());
        assertEquals(200, server.response().status());
        for (int i = 0; i < 29; i++) {
            server.send(new byte[1000]);
            advance(1_000);
        }
        assertTrue(server.channel.isOpen());
        advance(1_000);
        assertFalse(server.channel.isOpen());
        assertNull(server.channel.readOutbound());
    }

    @Test
    void endlessChunkedBodyTrickledInTimeIsClosedAtTheExchangeTimeout() {
        server.send(HandshakeRequest.plainGet("/upload").method("POST").add("Transfer-Encoding", "chunked").toBuf());
        for (int i = 0; i < 29; i++) {
            server.send("1\r\nx\r\n");
            advance(1_000);
        }
        assertTrue(server.channel.isOpen());
        advance(1_000);
        assertFalse(server.channel.isOpen());
        assertNull(server.channel.readOutbound(), "the upload was never answered");
    }

    @Test
    void configuredExchangeTimeoutIsUsed() {
        server = new TestServer(ServerHandshakeConfig.builder().path("/chat")
            .httpExchangeTimeout(Duration.ofSeconds(2)).build());
        server.pages.hold = true;
        server.send(HandshakeRequest.plainGet("/slow").toBuf());
        advance(1_999);
        assertTrue(server.channel.isOpen());
        advance(1);
        assertFalse(server.channel.isOpen());
    }

    @Test
    void eachPipelinedRequestRestartsTheExchangeTimeout() {
        server.pages.hold = true;
        server.send(HandshakeRequest.plainGet("/a").toBuf());
        advance(20_000);
        server.send(HandshakeRequest.plainGet("/b").toBuf());
        advance(20_000);
        assertTrue(server.channel.isOpen());
        server.pages.answerHeld();
        assertEquals("page /a", server.response().body());
        advance(9_999);
        assertTrue(server.channel.isOpen(), "idle now: the handshake timeout runs");
        advance(1);
        assertTimedOut();
    }

    @Test
    void upgradePipelinedBehindAnUnansweredRequestIsRefusedOrClosedInTime() {
        server.pages.hold = true;
        server.send(HandshakeRequest.plainGet("/a").toBuf());
        server.send(HandshakeRequest.to("/chat").toBuf());
        advance(29_999);
        assertTrue(server.channel.isOpen());
        advance(1);
        assertFalse(server.channel.isOpen(), "the refusal waits for the earlier response, not forever");
        assertNull(server.initialized);
    }

    @Test
    void keepAliveConnectionGetsAFullTimeoutForItsNextRequest() {
        advance(9_000);
        server.send(HandshakeRequest.plainGet("/index.html").toBuf());
        assertEquals(200, server.response().status());
        advance(9_000);
        server.send(HandshakeRequest.to("/chat").toBuf());
        assertEquals(101, server.response().status());
        advance(60_000);
        assertTrue(server.channel.isOpen());
    }

    @Test
    void decoderAddedBeforeRegistrationTimesOutFromActivation() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel(false, true, new HttpServerCodec(), new UpgradeHandler(
            TestServer.endpoint(ServerHandshakeConfig.builder().handshakeTimeout(Duration.ofSeconds(1)).build()),
            (pipeline, after, event) -> { }));
        assertEquals(-1, channel.runScheduledPendingTasks(), "nothing scheduled before the channel is active");
        channel.register();
        channel.freezeTime();
        assertTrue(channel.runScheduledPendingTasks() > 0, "the timeout is scheduled");
        channel.advanceTimeBy(1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertEquals(408, RawHttpResponse.read(channel).status());
        assertFalse(channel.isOpen());
        channel.finishAndReleaseAll();
    }
}
