package dev.nettyws.server.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.FrameConfig;
import dev.nettyws.handshake.ServerHandshakeConfig;
import dev.nettyws.protocol.ConnectionConfig;
import dev.nettyws.protocol.WebSocketClosedEvent;
import dev.nettyws.server.WebSocketServerConfig;
import dev.nettyws.testsupport.FrameBytes;
import dev.nettyws.testsupport.HandshakeRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Clients that attack the server over real sockets (slowloris, oversized handshakes, frames and messages beyond the
 * limits, endless fragments, a half frame and silence). Each must end with the right HTTP status or close code,
 * the server must keep serving others and hold no connection afterwards, and nothing may leak.
 */
@Timeout(60)
class HostileClientTest {
    private static final int LIMIT = 64 * 1024;

    private static WebSocketServerConfig.Builder limits() {
        return WebSocketServerConfig.builder().maxMessageLength(LIMIT);
    }

    /** A well-behaved client gets its message echoed. */
    private static void assertEchoWorks(HostileServer server) throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(server.address())) {
            ws.send(FrameBytes.text("still serving"));
            RawWebSocket.Received echo = ws.readFrame();
            assertEquals(0x1, echo.opcode());
            assertEquals("still serving", echo.text());
            ws.send(FrameBytes.close(1000, ""));
            assertEquals(1000, ws.readCloseCode());
            ws.assertEnded();
        }
    }

    @Test
    void slowlorisConnectionsGet408AtTheHandshakeTimeoutWhileOthersAreServed() throws Exception {
        WebSocketServerConfig config = limits()
            .handshake(ServerHandshakeConfig.builder().handshakeTimeout(Duration.ofSeconds(2)).build()).build();
        try (HostileServer server = HostileServer.start(config)) {
            List<RawWebSocket> trickling = new ArrayList<>();
            try {
                byte[] request = HandshakeRequest.to(HostileServer.PATH).bytes();
                for (int i = 0; i < 50; i++) {
                    RawWebSocket ws = RawWebSocket.connect(server.address());
                    ws.write(Arrays.copyOf(request, 20));
                    trickling.add(ws);
                }
                // One more byte each, well inside the timeout: trickling does not keep a handshake alive.
                for (RawWebSocket ws : trickling) {
                    ws.write(new byte[] {request[20]});
                }
                server.awaitConnections(50);
                assertEchoWorks(server);
                server.awaitClosed();
                for (RawWebSocket ws : trickling) {
                    String head = ws.readHead();
                    assertTrue(head.startsWith("HTTP/1.1 408 "), head);
                    ws.readToEnd();
                }
            } finally {
                for (RawWebSocket ws : trickling) {
                    ws.close();
                }
            }
            server.awaitNoConnections();
        }
    }

    @Test
    void singleHugeHeaderGets431AndTheRestIsNotRead() throws Exception {
        try (HostileServer server = HostileServer.start(limits().build())) {
            try (RawWebSocket ws = RawWebSocket.connect(server.address())) {
                byte[] head = HandshakeRequest.to(HostileServer.PATH).bytes();
                ws.write(Arrays.copyOf(head, head.length - 2));
                ws.write("X-Huge: ".getBytes(StandardCharsets.US_ASCII));
                long written = writeUntilRefused(ws, 64L << 20);
                assertTrue(written < 64L << 20, "the server kept reading a 64 MiB header");
                String response = ws.readHead();
                assertTrue(response.isEmpty() || response.startsWith("HTTP/1.1 431 "), response);
                ws.readToEnd();
            }
            try (RawWebSocket ws = RawWebSocket.connect(server.address())) {
                HandshakeRequest request = HandshakeRequest.to(HostileServer.PATH);
                request.add("X-Big", "a".repeat(WebSocketServerConfig.DEFAULT_MAX_HEADER_SIZE));
                ws.write(request.bytes());
                String response = ws.readHead();
                assertTrue(response.startsWith("HTTP/1.1 431 "), response);
                ws.readToEnd();
            }
            assertEchoWorks(server);
            server.awaitClosed();
            server.awaitNoConnections();
        }
    }

    @Test
    void manySmallHeadersGet431() throws Exception {
        try (HostileServer server = HostileServer.start(limits().build())) {
            try (RawWebSocket ws = RawWebSocket.connect(server.address())) {
                HandshakeRequest request = HandshakeRequest.to(HostileServer.PATH);
                for (int i = 0; i < 2000; i++) {
                    request.add("X-H" + i, "v");
                }
                ws.write(request.bytes());
                String response = ws.readHead();
                assertTrue(response.startsWith("HTTP/1.1 431 "), response);
                ws.readToEnd();
            }
            server.awaitNoConnections();
        }
    }

    @Test
    void section10_4_frameAnnouncingATerabyteGets1009WithoutWaitingForThePayload() throws Exception {
        try (HostileServer server = HostileServer.start(limits().build())) {
            try (RawWebSocket ws = RawWebSocket.open(server.address())) {
                ws.send(FrameBytes.binary(new byte[0]).declaredLength(1L << 40));
                assertEquals(CloseStatus.MESSAGE_TOO_BIG, ws.readCloseCode());
                ws.readToEnd();
            }
            assertEquals(CloseStatus.MESSAGE_TOO_BIG, server.awaitClosed().statusCode());
            assertEchoWorks(server);
            server.awaitNoConnections();
        }
    }

    @Test
    void section10_4_fragmentedMessageBeyondTheLimitGets1009() throws Exception {
        try (HostileServer server = HostileServer.start(limits().build())) {
            try (RawWebSocket ws = RawWebSocket.open(server.address())) {
                byte[] fragment = new byte[16 * 1024];
                ws.send(FrameBytes.binary(fragment).fin(false));
                for (int i = 0; i < 4; i++) {
                    ws.send(FrameBytes.continuation(fragment).fin(false));
                }
                assertEquals(CloseStatus.MESSAGE_TOO_BIG, ws.readCloseCode());
                ws.readToEnd();
            }
            assertEquals(CloseStatus.MESSAGE_TOO_BIG, server.awaitClosed().statusCode());
            server.awaitNoConnections();
        }
    }

    @Test
    void section10_4_messageOfEndlessEmptyFragmentsGets1009AtTheFragmentLimit() throws Exception {
        FrameConfig frames = FrameConfig.SERVER_DEFAULT.toBuilder().maxLength(LIMIT).maxFragmentsPerMessage(1000)
            .build();
        try (HostileServer server = HostileServer.start(WebSocketServerConfig.builder().frames(frames).build())) {
            try (RawWebSocket ws = RawWebSocket.open(server.address())) {
                ws.send(FrameBytes.text("").fin(false));
                byte[] empty = FrameBytes.continuation(new byte[0]).fin(false).mask(RawWebSocket.MASK).bytes();
                long sent = 0;
                try {
                    for (; sent < 1_000_000; sent++) {
                        ws.write(empty);
                    }
                } catch (IOException refused) {
                    // The server closed after the limit; what was already in flight is reset.
                }
                assertTrue(sent < 1_000_000, "a million empty fragments were accepted");
                assertEquals(CloseStatus.MESSAGE_TOO_BIG, server.awaitClosed().statusCode());
            }
            server.awaitNoConnections();
        }
    }

    @Test
    void halfAFrameAndSilenceEndsAtTheIdleTimeout() throws Exception {
        ConnectionConfig connection = ConnectionConfig.DEFAULT.toBuilder().idleTimeout(Duration.ofSeconds(1))
            .closeTimeout(Duration.ofSeconds(1)).build();
        try (HostileServer server = HostileServer.start(limits().connection(connection).build())) {
            try (RawWebSocket ws = RawWebSocket.open(server.address())) {
                byte[] frame = FrameBytes.text("never finished").mask(RawWebSocket.MASK).bytes();
                ws.write(Arrays.copyOf(frame, 4));
                RawWebSocket.Received close = ws.readFrame();
                assertEquals(0x8, close.opcode());
                assertEquals(CloseStatus.GOING_AWAY, ((close.payload()[0] & 0xff) << 8) | (close.payload()[1] & 0xff));
                assertEquals(ConnectionConfig.IDLE_TIMEOUT_REASON,
                    new String(close.payload(), 2, close.payload().length - 2, StandardCharsets.UTF_8));
                // Silent still: the close timer ends TCP.
                ws.readToEnd();
            }
            WebSocketClosedEvent closed = server.awaitClosed();
            assertEquals(CloseStatus.ABNORMAL_CLOSURE, closed.statusCode());
            assertFalse(closed.clean());
            server.awaitNoConnections();
        }
    }

    /** Writes 64 KiB chunks of header bytes until the server refuses them or {@code max} is written. */
    private static long writeUntilRefused(RawWebSocket ws, long max) {
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) 'a');
        long written = 0;
        try {
            while (written < max) {
                ws.write(chunk);
                written += chunk.length;
            }
        } catch (IOException refused) {
            // Expected: the server answered and closed.
        }
        return written;
    }
}
