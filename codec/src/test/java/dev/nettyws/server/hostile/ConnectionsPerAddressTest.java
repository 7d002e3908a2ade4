package dev.nettyws.server.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.server.ConnectionsPerAddressLimit;
import dev.nettyws.server.WebSocketServerConfig;
import dev.nettyws.testsupport.FrameBytes;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One address opening connection after connection (finding: two scripts from one address took every file descriptor
 * of the server): beyond the per-address limit each new connection is closed at once, so the server's descriptors
 * held for that address stay at the limit, while other addresses and a freed slot are served.
 */
@Timeout(60)
class ConnectionsPerAddressTest {
    private static final int LIMIT = 3;
    private static final int ATTEMPTS = 500;

    @Test
    void connectionsBeyondTheLimitOfOneAddressAreClosedAndTheServerHoldsNoMore() throws Exception {
        WebSocketServerConfig config = WebSocketServerConfig.builder().maxConnectionsPerAddress(LIMIT).build();
        InetAddress attacker = InetAddress.getByName("127.0.0.1");
        try (HostileServer server = HostileServer.start(config)) {
            List<RawWebSocket> admitted = new ArrayList<>();
            try {
                for (int i = 0; i < LIMIT; i++) {
                    admitted.add(RawWebSocket.handshake(RawWebSocket.connectFrom(attacker, server.address())));
                }
                int maxOpen = 0;
                for (int i = 0; i < ATTEMPTS; i++) {
                    try (RawWebSocket refused = RawWebSocket.connectFrom(attacker, server.address())) {
                        refused.write(new byte[] {'G'});
                        assertEquals(0, refused.readToEnd(), "closed at once, without an answer");
                    } catch (IOException reset) {
                        // Closed before our byte arrived: reset, also an end.
                    }
                    maxOpen = Math.max(maxOpen, server.bound().connections().size());
                }
                ConnectionsPerAddressLimit limit = server.connectionLimit();
                assertEquals(ATTEMPTS, limit.refusedConnections());
                assertTrue(maxOpen <= LIMIT + 1, "connections held by the server: " + maxOpen);
                assertEquals(LIMIT, limit.openConnections(attacker));

                // Another address is served; the admitted connections still work.
                try (RawWebSocket other = RawWebSocket.handshake(RawWebSocket.connectFrom(
                    InetAddress.getByName("127.0.0.2"), server.address()))) {
                    other.send(FrameBytes.text("from elsewhere"));
                    assertEquals("from elsewhere", other.readFrame().text());
                }
                admitted.get(0).send(FrameBytes.text("still here"));
                assertEquals("still here", admitted.get(0).readFrame().text());

                // A freed slot is available again.
                admitted.remove(0).close();
                long deadline = System.nanoTime() + HostileServer.WAIT_SECONDS * 1_000_000_000L;
                while (limit.openConnections(attacker) >= LIMIT && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                admitted.add(RawWebSocket.handshake(RawWebSocket.connectFrom(attacker, server.address())));
            } finally {
                for (RawWebSocket ws : admitted) {
                    ws.close();
                }
            }
            server.awaitNoConnections();
        }
    }
}
