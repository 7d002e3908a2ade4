package dev.nettyws.example.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.CloseStatus;
import dev.nettyws.protocol.WebSocketClosedEvent;
import dev.nettyws.transport.Transport;
import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The echo contract against Netty's own {@code websocketx} client. */
class NettyWebSocketxInteropTest extends EchoClientContract {
    @Override
    EchoClient connect(URI uri) throws Exception {
        return NettyEchoClient.connect(uri);
    }

    @Override
    boolean countsFrames() {
        return true;
    }

    @Override
    EchoClient.Close expectedAnswerToServerClose() {
        // The test's own answer (NettyEchoClient.awaitServerClose): Netty leaves it to the application.
        return new EchoClient.Close(EchoServerFixture.SERVER_CLOSE.code(), "");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void clientThatDropsTcpInsteadOfAnsweringTheCloseIsReportedAs1006(Transport transport) throws Exception {
        // Netty's default handleCloseFrames(true) closes TCP on the server's close frame without the answer RFC 6455
        // §5.5.1 requires. §7.1.5: no close frame received means 1006, and the close was not clean.
        try (EchoServerFixture server = EchoServerFixture.start(transport);
             NettyEchoClient client = NettyEchoClient.connectWithDefaultCloseHandling(server.serverCloseUri())) {
            assertTrue(client.awaitDisconnect(), "the connection closed");
            WebSocketClosedEvent closed = server.awaitClosed();
            assertEquals(CloseStatus.ABNORMAL_CLOSURE, closed.statusCode(), closed::toString);
            assertFalse(closed.clean(), closed::toString);
            assertNull(server.pollClientCloseFrame(), "the client answered with no close frame");
        }
    }
}
