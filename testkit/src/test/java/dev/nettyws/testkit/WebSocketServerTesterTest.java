package dev.nettyws.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.CloseStatus;
import dev.nettyws.handshake.ServerHandshakeConfig;
import dev.nettyws.protocol.ConnectionConfig;
import dev.nettyws.protocol.WebSocketClosedEvent;
import dev.nettyws.server.WebSocketServerConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WebSocketServerTesterTest {
    private static final WebSocketServerConfig CONFIG = WebSocketServerConfig.builder().path("/echo")
        .maxMessageLength(1024).build();

    @Test
    void echoesTextBinaryAndFragmentedMessagesAndClosesCleanly() {
        try (WebSocketServerTester ws = WebSocketServerTester.create(CONFIG, Echo::new)) {
            ws.handshake();
            ws.sendText("héllo");
            assertEquals("héllo", ws.readText());
            ws.sendBinary(new byte[] {1, 2, 3});
            assertArrayEquals(new byte[] {1, 2, 3}, ws.readBinary());
            ws.sendTextFragments("frag", "mented");
            assertEquals("fragmented", ws.readText());
            ws.sendPing(new byte[] {9});
            assertArrayEquals(new byte[] {9}, ws.readPong());
            ws.assertNothingWritten();
            ws.sendClose(1000, "bye");
            // The server answers with the code it received and no reason (RFC 6455 §5.5.1).
            ws.assertClosed(1000, "");
            WebSocketClosedEvent closed = ws.closedEvent();
            assertEquals(1000, closed.statusCode());
            assertTrue(closed.clean());
        }
    }

    @Test
    void protocolErrorsEndWithTheirCloseCode() {
        try (WebSocketServerTester ws = WebSocketServerTester.create(CONFIG, Echo::new)) {
            ws.handshake();
            ws.sendFrame(ReceivedFrame.TEXT, true, 0x40, "rsv1".getBytes(StandardCharsets.UTF_8));
            ws.assertClosed(CloseStatus.PROTOCOL_ERROR);
        }
        try (WebSocketServerTester ws = WebSocketServerTester.create(CONFIG, Echo::new)) {
            ws.handshake();
            ws.sendBinary(new byte[1025]);
            ws.assertClosed(CloseStatus.MESSAGE_TOO_BIG);
        }
        try (WebSocketServerTester ws = WebSocketServerTester.create(CONFIG, Echo::new)) {
            ws.handshake();
            ws.sendFrame(ReceivedFrame.TEXT, true, 0, new byte[] {(byte) 0xc3, 0x28});
            ws.assertClosed(CloseStatus.INVALID_PAYLOAD_DATA);
        }
    }

    @Test
    void rawBytesReachTheDecoderAsTheyAre() {
        try (WebSocketServerTester ws = WebSocketServerTester.create(CONFIG, Echo::new)) {
            ws.handshake();
            // An unmasked text frame "hi": servers must fail it (RFC 6455 §5.1).
            ws.sendRaw(new byte[] {(byte) 0x81, 0x02, 'h', 'i'});
            ws.assertClosed(CloseStatus.PROTOCOL_ERROR);
        }
    }

    @Test
    void readRawShowsTheExactBytesTheServerWrote() {
        try (WebSocketServerTester ws = WebSocketServerTester.create(CONFIG, Echo::new)) {
            ws.handshake();
            ws.sendText("hi");
            assertArrayEquals(new byte[] {(byte) 0x81, 0x02, 'h', 'i'}, ws.readRaw());
        }
    }

    @Test
    void defaultRequestPassesTheDefaultOriginAndHostChecksAndOthersAreRefused() {
        try (WebSocketServerTester ws = WebSocketServerTester.create(CONFIG, Echo::new)) {
            ws.handshake(UpgradeRequest.to("/echo").origin("http://localhost"));
            ws.sendText("same origin");
            assertEquals("same origin", ws.readText());
        }
        try (WebSocketServerTester ws = WebSocketServerTester.create(CONFIG, Echo::new)) {
            assertEquals(403, ws.request(UpgradeRequest.to("/echo").origin("https://evil.example")).status());
        }
        try (WebSocketServerTester ws = WebSocketServerTester.create(CONFIG, Echo::new)) {
            assertEquals(421, ws.request(UpgradeRequest.to("/echo").set("Host", "evil.example")).status());
        }
    }

    @Test
    void refusedHandshakesAreReturnedForInspection() {
        try (WebSocketServerTester ws = WebSocketServerTester.create(CONFIG, Echo::new)) {
            HttpMessage response = ws.request(UpgradeRequest.to("/echo").set("Sec-WebSocket-Version", "8"));
            assertEquals(426, response.status());
            assertEquals("13", response.header("Sec-WebSocket-Version"));
        }
        try (WebSocketServerTester ws = WebSocketServerTester.create(CONFIG, Echo::new)) {
            assertEquals(404, ws.request(UpgradeRequest.to("/elsewhere")).status());
        }
        try (WebSocketServerTester ws = WebSocketServerTester.create(CONFIG, Echo::new)) {
            AssertionError error = assertThrows(AssertionError.class,
                () -> ws.handshake(UpgradeRequest.to("/echo").remove("Sec-WebSocket-Key")));
            assertTrue(error.getMessage().contains("400"), error.getMessage());
        }
    }

    @Test
    void subprotocolIsNegotiated() {
        WebSocketServerConfig config = CONFIG.toBuilder()
            .handshake(CONFIG.handshake().toBuilder().subprotocols("chat.v2", "chat.v1").build()).build();
        try (WebSocketServerTester ws = WebSocketServerTester.create(config, Echo::new)) {
            HttpMessage response = ws.handshake(UpgradeRequest.to("/echo").subprotocols("chat.v1", "chat.v2"));
            // The server's own order of preference decides among the offered ones.
            assertEquals("chat.v2", response.header("Sec-WebSocket-Protocol"));
        }
    }

    @Test
    void simulatedTimeDrivesTheIdleTimeoutAndTheCloseTimeout() {
        WebSocketServerConfig config = CONFIG.toBuilder().connection(ConnectionConfig.DEFAULT.toBuilder()
            .idleTimeout(Duration.ofMinutes(1)).closeTimeout(Duration.ofSeconds(5)).build()).build();
        try (WebSocketServerTester ws = WebSocketServerTester.create(config, Echo::new)) {
            ws.handshake();
            ws.advanceTime(Duration.ofSeconds(59));
            ws.assertNothingWritten();
            ws.advanceTime(Duration.ofSeconds(1));
            CloseReceived close = ws.readClose();
            assertEquals(new CloseReceived(CloseStatus.GOING_AWAY, ConnectionConfig.IDLE_TIMEOUT_REASON), close);
            ws.assertChannelOpen();
            ws.advanceTime(Duration.ofSeconds(5));
            ws.assertChannelClosed();
            assertEquals(CloseStatus.ABNORMAL_CLOSURE, ws.closedEvent().statusCode());
        }
    }

    @Test
    void handshakeTimeoutAnswers408() {
        WebSocketServerConfig config = CONFIG.toBuilder().handshake(ServerHandshakeConfig.builder().path("/echo")
            .handshakeTimeout(Duration.ofSeconds(3)).build()).build();
        try (WebSocketServerTester ws = WebSocketServerTester.create(config, Echo::new)) {
            ws.sendRaw("GET /echo HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            ws.advanceTime(Duration.ofSeconds(3));
            assertTrue(new String(ws.readRaw(), StandardCharsets.US_ASCII).startsWith("HTTP/1.1 408 "));
            ws.assertChannelClosed();
        }
    }

    @Test
    void droppedConnectionIsReportedAs1006() {
        try (WebSocketServerTester ws = WebSocketServerTester.create(CONFIG, Echo::new)) {
            ws.handshake();
            ws.dropConnection();
            ws.assertChannelClosed();
            assertEquals(CloseStatus.ABNORMAL_CLOSURE, ws.closedEvent().statusCode());
        }
    }

    @Test
    void aPeerThatStopsReadingLeavesWritesQueuedUntilItResumes() {
        try (WebSocketServerTester ws = WebSocketServerTester.create(CONFIG, Echo::new)) {
            ws.handshake();
            ws.stopReading();
            for (int i = 0; i < 70; i++) {
                ws.sendBinary(new byte[] {(byte) i});
                ws.sendBinary(new byte[1000]);
            }
            ws.assertNothingWritten();
            assertFalse(ws.channel().isWritable(), "about 70 KB queued, over the 64 KiB high water mark");
            ws.resumeReading();
            assertTrue(ws.channel().isWritable());
            for (int i = 0; i < 70; i++) {
                assertArrayEquals(new byte[] {(byte) i}, ws.readBinary());
                assertEquals(1000, ws.readBinary().length);
            }
            ws.assertNothingWritten();
        }
    }

    @Test
    void aPeerThatStopsReadingMeetsTheWriteStallTimeout() {
        WebSocketServerConfig config = CONFIG.toBuilder().connection(ConnectionConfig.DEFAULT.toBuilder()
            .writeStallTimeout(Duration.ofSeconds(2)).build()).build();
        try (WebSocketServerTester ws = WebSocketServerTester.create(config, Echo::new)) {
            ws.handshake();
            ws.stopReading();
            for (int i = 0; i < 70; i++) {
                ws.sendBinary(new byte[1000]);
            }
            ws.advanceTime(Duration.ofMillis(1999));
            ws.assertChannelOpen();
            ws.advanceTime(Duration.ofMillis(1));
            ws.assertChannelClosed();
            assertEquals(CloseStatus.POLICY_VIOLATION, ws.closedEvent().statusCode());
            assertEquals(ConnectionConfig.WRITE_STALL_REASON, ws.closedEvent().reason());
        }
    }

    @Test
    void aLeakingHandlerFailsAtClose() {
        WebSocketServerTester ws = WebSocketServerTester.create(CONFIG, Echo::new);
        ws.handshake();
        ws.sendText("leak");
        AssertionError error = assertThrows(AssertionError.class, ws::close);
        assertTrue(error.getMessage().contains("not released"), error.getMessage());
    }

    @Test
    void failedExpectationsSayWhatCameInstead() {
        try (WebSocketServerTester ws = WebSocketServerTester.create(CONFIG, Echo::new)) {
            ws.handshake();
            AssertionError nothing = assertThrows(AssertionError.class, ws::readText);
            assertEquals("expected a frame but nothing was written", nothing.getMessage());
            ws.sendBinary(new byte[] {1});
            AssertionError wrongType = assertThrows(AssertionError.class, ws::readText);
            assertEquals("expected a text message but got binary 1 bytes", wrongType.getMessage());
            ws.sendText("x");
            AssertionError notClose = assertThrows(AssertionError.class, () -> ws.assertClosed(1000));
            assertEquals("expected a close frame but got text \"x\"", notClose.getMessage());
            assertFalse(ws.events().isEmpty(), "the handshake event reached the end of the pipeline");
        }
    }
}
