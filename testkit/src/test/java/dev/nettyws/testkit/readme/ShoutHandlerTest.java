package dev.nettyws.testkit.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nettyws.frame.TextFrame;
import dev.nettyws.server.WebSocketServerConfig;
import dev.nettyws.testkit.WebSocketServerTester;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class ShoutHandlerTest {
    /** The handler under test: answers every text message in capitals. */
    static class ShoutHandler extends SimpleChannelInboundHandler<TextFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextFrame msg) {
            ctx.writeAndFlush(new TextFrame(msg.text().toUpperCase(Locale.ROOT)));
        }
    }

    private static final WebSocketServerConfig CONFIG = WebSocketServerConfig.builder()
        .path("/shout")
        .maxMessageLength(4096)
        .build();

    @Test
    void shoutsBackAndClosesOversizedMessagesWith1009() {
        try (WebSocketServerTester ws = WebSocketServerTester.create(CONFIG, ShoutHandler::new)) {
            ws.handshake();                      // GET /shout with a valid key; checks the 101 and its accept
            ws.sendText("hello");                // masked, as a browser sends it
            assertEquals("HELLO", ws.readText());
            ws.sendPing(new byte[] {42});
            assertEquals(42, ws.readPong()[0]);
            ws.sendBinary(new byte[5000]);       // over the 4096-byte limit
            ws.assertClosed(1009);               // the close frame's code, then the channel closed
        }                                        // close() fails the test if any buffer leaked
    }

    @Test
    void idleConnectionsAreClosedWithoutSleeping() {
        try (WebSocketServerTester ws = WebSocketServerTester.create(CONFIG, ShoutHandler::new)) {
            ws.handshake();
            ws.advanceTime(Duration.ofMinutes(5)); // the default idle timeout, on the channel's frozen clock
            assertEquals(1001, ws.readClose().code());
        }
    }
}
