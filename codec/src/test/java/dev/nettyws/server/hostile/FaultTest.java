package dev.nettyws.server.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.CloseStatus;
import dev.nettyws.protocol.ConnectionConfig;
import dev.nettyws.protocol.WebSocketClosedEvent;
import dev.nettyws.server.OpenConnections;
import dev.nettyws.server.WebSocketServerConfig;
import dev.nettyws.testsupport.FrameBytes;
import dev.nettyws.testsupport.HandshakeRequest;
import dev.nettyws.transport.Transport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Network faults on real sockets, on both transports: resets in the middle of a frame, a handshake and a close
 * handshake, half-closed sockets, a close frame that is never answered, and the server shutting down under open
 * connections. The application must be told how each connection ended (1006 when no close frame came), no channel
 * may stay open, and nothing may leak.
 */
@Timeout(60)
class FaultTest {
    private static HostileServer start(Transport transport) throws InterruptedException {
        ConnectionConfig connection = ConnectionConfig.DEFAULT.toBuilder().closeTimeout(Duration.ofMillis(500))
            .build();
        return HostileServer.start(transport, WebSocketServerConfig.builder().maxMessageLength(1 << 20)
            .connection(connection).build());
    }

    private static void assertAbnormal(WebSocketClosedEvent closed) {
        assertEquals(CloseStatus.ABNORMAL_CLOSURE, closed.statusCode(), closed.toString());
        assertEquals("", closed.reason());
        assertFalse(closed.clean());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void section7_1_5_resetInTheMiddleOfAFrameIsReportedAs1006(Transport transport) throws Exception {
        try (HostileServer server = start(transport)) {
            RawWebSocket ws = RawWebSocket.open(server.address());
            byte[] frame = FrameBytes.binary(new byte[100_000]).mask(RawWebSocket.MASK).bytes();
            ws.write(Arrays.copyOf(frame, 50_000));
            ws.reset();
            WebSocketClosedEvent closed = server.awaitClosed();
            assertAbnormal(closed);
            assertTrue(closed.remote());
            server.awaitNoConnections();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void resetInTheMiddleOfTheHandshakeLeavesNothingOpen(Transport transport) throws Exception {
        try (HostileServer server = start(transport)) {
            RawWebSocket ws = RawWebSocket.connect(server.address());
            byte[] request = HandshakeRequest.to(HostileServer.PATH).bytes();
            ws.write(Arrays.copyOf(request, request.length / 2));
            server.awaitConnections(1);
            ws.reset();
            server.awaitNoConnections();
            assertTrue(server.noneClosed(), "no WebSocket connection was opened, so none is reported closed");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void section7_1_5_resetInsteadOfAnsweringOurCloseIsReportedAs1006(Transport transport) throws Exception {
        try (HostileServer server = start(transport)) {
            RawWebSocket ws = RawWebSocket.open(server.address());
            ws.send(FrameBytes.text(HostileServer.CLOSE_COMMAND));
            assertEquals(4000, ws.readCloseCode());
            ws.reset();
            WebSocketClosedEvent closed = server.awaitClosed();
            assertAbnormal(closed);
            server.awaitNoConnections();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void resetRightAfterTheCloseHandshakeIsACleanCloseWithoutAnException(Transport transport) throws Exception {
        try (HostileServer server = start(transport)) {
            // The server closes first; the client answers and resets (SO_LINGER 0) instead of waiting for the FIN.
            RawWebSocket answering = RawWebSocket.open(server.address());
            answering.send(FrameBytes.text(HostileServer.CLOSE_COMMAND));
            assertEquals(4000, answering.readCloseCode());
            answering.send(FrameBytes.close(4000, ""));
            answering.reset();
            WebSocketClosedEvent closed = server.awaitClosed();
            assertEquals(4000, closed.statusCode(), closed.toString());
            assertTrue(closed.clean(), closed.toString());
            // The client closes first, reads the answer, and resets.
            RawWebSocket closing = RawWebSocket.open(server.address());
            closing.send(FrameBytes.close(1000, "bye"));
            assertEquals(1000, closing.readCloseCode());
            closing.reset();
            closed = server.awaitClosed();
            assertEquals(1000, closed.statusCode(), closed.toString());
            assertTrue(closed.clean() && closed.remote(), closed.toString());
            // Issue 21: a reset after a completed close handshake is not an error for the application.
            server.assertNoExceptions();
            server.awaitNoConnections();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void section7_1_1_closeThenHalfCloseGetsTheAnswerBeforeTheServerCloses(Transport transport) throws Exception {
        try (HostileServer server = start(transport)) {
            try (RawWebSocket ws = RawWebSocket.open(server.address())) {
                ws.send(FrameBytes.close(1000, "done"));
                ws.shutdownOutput();
                assertEquals(1000, ws.readCloseCode());
                ws.assertEnded();
            }
            WebSocketClosedEvent closed = server.awaitClosed();
            assertEquals(1000, closed.statusCode());
            assertEquals("done", closed.reason());
            assertTrue(closed.clean());
            server.awaitNoConnections();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void section7_1_5_halfCloseWithoutACloseFrameIsReportedAs1006(Transport transport) throws Exception {
        try (HostileServer server = start(transport)) {
            try (RawWebSocket ws = RawWebSocket.open(server.address())) {
                ws.shutdownOutput();
                ws.readToEnd();
            }
            WebSocketClosedEvent closed = server.awaitClosed();
            assertAbnormal(closed);
            assertTrue(closed.remote());
            server.awaitNoConnections();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void section7_1_1_closeNeverAnsweredEndsAtTheCloseTimeout(Transport transport) throws Exception {
        try (HostileServer server = start(transport)) {
            try (RawWebSocket ws = RawWebSocket.open(server.address())) {
                ws.send(FrameBytes.text(HostileServer.CLOSE_COMMAND));
                assertEquals(4000, ws.readCloseCode());
                // Say nothing: the server's close timer (500 ms here) closes TCP.
                ws.assertEnded();
            }
            WebSocketClosedEvent closed = server.awaitClosed();
            assertAbnormal(closed);
            assertFalse(closed.remote());
            server.awaitNoConnections();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void section7_4_1_shutdownSends1001ToEveryOpenConnection(Transport transport) throws Exception {
        HostileServer server = start(transport);
        try (RawWebSocket first = RawWebSocket.open(server.address());
             RawWebSocket second = RawWebSocket.open(server.address())) {
            server.awaitConnections(2);
            CompletableFuture<Void> shutdown = CompletableFuture.runAsync(server::close);
            for (RawWebSocket ws : new RawWebSocket[] {first, second}) {
                RawWebSocket.Received close = ws.readFrame();
                assertEquals(0x8, close.opcode());
                assertEquals(CloseStatus.GOING_AWAY, ((close.payload()[0] & 0xff) << 8) | (close.payload()[1] & 0xff));
                assertEquals(OpenConnections.GOING_AWAY_REASON,
                    new String(close.payload(), 2, close.payload().length - 2, StandardCharsets.UTF_8));
                ws.send(FrameBytes.close(CloseStatus.GOING_AWAY, ""));
                ws.assertEnded();
            }
            shutdown.get(HostileServer.WAIT_SECONDS, TimeUnit.SECONDS);
            for (int i = 0; i < 2; i++) {
                WebSocketClosedEvent closed = server.awaitClosed();
                assertEquals(CloseStatus.GOING_AWAY, closed.statusCode());
                assertTrue(closed.clean());
            }
            assertFalse(server.bound().channel().isOpen());
        } finally {
            server.close();
        }
    }
}
