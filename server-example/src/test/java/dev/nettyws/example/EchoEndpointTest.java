package dev.nettyws.example;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nettyws.frame.CloseStatus;
import dev.nettyws.protocol.WebSocketClosedEvent;
import dev.nettyws.testkit.UpgradeRequest;
import dev.nettyws.testkit.WebSocketServerTester;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The whole {@code /echo} endpoint (its configuration and {@link EchoHandler}) through the test kit. */
class EchoEndpointTest {
    private static final int MAX = 1024;

    private static WebSocketServerTester echo(ConnectionListener listener) {
        return WebSocketServerTester.create(ExampleServer.echoConfig(MAX), () -> new EchoHandler(listener));
    }

    @Test
    void echoesEveryMessageAsItsKindAndFragmentedOnesWhole() {
        try (WebSocketServerTester ws = echo(ConnectionListener.NONE)) {
            ws.handshake();
            ws.sendText("hello ✓");
            assertEquals("hello ✓", ws.readText());
            ws.sendBinary(new byte[MAX]);
            assertArrayEquals(new byte[MAX], ws.readBinary());
            ws.sendTextFragments("one ", "message");
            assertEquals("one message", ws.readText());
            ws.sendClose(1000, "");
            ws.assertClosed(1000);
        }
    }

    @Test
    void section10_4_messageOverTheLimitGets1009AndTheListenerIsTold() {
        List<WebSocketClosedEvent> closed = new ArrayList<>();
        ConnectionListener listener = new ConnectionListener() {
            @Override
            public void closed(Channel channel, WebSocketClosedEvent event) {
                closed.add(event);
            }
        };
        try (WebSocketServerTester ws = echo(listener)) {
            ws.handshake();
            ws.sendBinaryFragments(new byte[MAX / 2], new byte[MAX / 2], new byte[1]);
            ws.assertClosed(CloseStatus.MESSAGE_TOO_BIG);
        }
        assertEquals(1, closed.size());
        assertEquals(CloseStatus.MESSAGE_TOO_BIG, closed.get(0).statusCode());
    }

    @Test
    void otherPathsGet404() {
        try (WebSocketServerTester ws = echo(ConnectionListener.NONE)) {
            assertEquals(404, ws.request(UpgradeRequest.to("/chat")).status());
            ws.assertChannelClosed();
        }
    }
}
