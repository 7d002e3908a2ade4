package dev.nettyws.server.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.CloseStatus;
import dev.nettyws.protocol.ConnectionConfig;
import dev.nettyws.protocol.WebSocketClosedEvent;
import dev.nettyws.server.WebSocketServerConfig;
import dev.nettyws.testsupport.FrameBytes;
import dev.nettyws.testsupport.HandshakeRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Peers that write but never read, over real sockets with a small receive buffer: a ping flood (every ping asks for
 * a pong) and an echo of data messages to an application that ignores writability. The server must end them with
 * 1008 from its outbound limits instead of queueing without bound, and keep serving others meanwhile.
 */
@Timeout(60)
class SlowConsumerTest {
    /** Stop writing after this much even if the server never pushes back; the limits are far below. */
    private static final long MAX_WRITTEN = 256L << 20;

    private static HostileServer start() throws InterruptedException {
        ConnectionConfig connection = ConnectionConfig.DEFAULT.toBuilder()
            .maxPendingWriteBytes(1 << 20)
            .writeStallTimeout(Duration.ofSeconds(2))
            .build();
        return HostileServer.start(WebSocketServerConfig.builder().maxMessageLength(64 * 1024)
            .connection(connection).build());
    }

    @Test
    void section5_5_2_pingFloodFromAPeerThatNeverReadsEndsWith1008() throws Exception {
        try (HostileServer server = start()) {
            try (RawWebSocket ws = RawWebSocket.connect(server.address(), 4096)) {
                ws.write(HandshakeRequest.to(HostileServer.PATH).bytes());
                byte[] ping = FrameBytes.ping(new byte[125]).mask(RawWebSocket.MASK).bytes();
                long written = writeUntilRefused(ws, ping);
                assertTrue(written < MAX_WRITTEN, "the server accepted " + written + " bytes of pings unread");
            }
            assertPolicyViolation(server.awaitClosed());
            server.awaitNoConnections();
        }
    }

    @Test
    void echoToAPeerThatNeverReadsEndsWith1008WhileOthersAreServed() throws Exception {
        try (HostileServer server = start()) {
            try (RawWebSocket ws = RawWebSocket.connect(server.address(), 4096)) {
                ws.write(HandshakeRequest.to(HostileServer.PATH).bytes());
                byte[] message = FrameBytes.binary(new byte[16 * 1024]).mask(RawWebSocket.MASK).bytes();
                long written = writeUntilRefused(ws, message);
                assertTrue(written < MAX_WRITTEN, "the server accepted " + written + " bytes unread");
                assertPolicyViolation(server.awaitClosed());
                // The reader that never read is gone; a well-behaved client is served as before.
                try (RawWebSocket other = RawWebSocket.open(server.address())) {
                    other.send(FrameBytes.text("hello"));
                    assertEquals("hello", other.readFrame().text());
                    other.send(FrameBytes.close(1000, ""));
                    assertEquals(1000, other.readCloseCode());
                    other.assertEnded();
                }
                assertEquals(1000, server.awaitClosed().statusCode());
            }
            server.awaitNoConnections();
        }
    }

    private static void assertPolicyViolation(WebSocketClosedEvent closed) {
        assertEquals(CloseStatus.POLICY_VIOLATION, closed.statusCode(), closed.toString());
        assertTrue(List.of(ConnectionConfig.PENDING_LIMIT_REASON, ConnectionConfig.WRITE_STALL_REASON)
            .contains(closed.reason()), closed.reason());
        assertFalse(closed.clean());
    }

    /** Writes {@code frame} again and again until the server closes the connection or the cap is reached. */
    private static long writeUntilRefused(RawWebSocket ws, byte[] frame) {
        long written = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try {
            while (written < MAX_WRITTEN && System.nanoTime() < deadline) {
                ws.write(frame);
                written += frame.length;
            }
        } catch (IOException refused) {
            // Expected: the server closed the connection.
        }
        return written;
    }
}
