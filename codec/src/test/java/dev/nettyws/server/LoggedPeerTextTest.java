package dev.nettyws.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.testsupport.HandshakeRequest;
import org.junit.jupiter.api.Test;

/**
 * What the handshake puts in front of a logger carries the peer's request target with its control characters
 * escaped: the finding logged {@code ESC} and {@code BEL} of a request target raw, and a terminal showing the log
 * obeyed them.
 */
class LoggedPeerTextTest {
    @Test
    void requestTargetWithTerminalEscapesIsEscapedInTheHandshakeEvent() {
        TestServer server = TestServer.at("/chat");
        try {
            server.send(HandshakeRequest.to("/chat?x=\u001b]0;owned\u0007\u001b[2J").toBuf());
            assertEquals(101, server.response().status());
            String logged = server.initialized.toString();
            assertFalse(logged.chars().anyMatch(c -> c < 0x20 || c == 0x7f), logged);
            assertTrue(logged.contains("/chat?x=\\u001B]0;owned\\u0007\\u001B[2J"), logged);
        } finally {
            server.channel.finishAndReleaseAll();
        }
    }
}
