package dev.nettyws.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.Role;
import dev.nettyws.internal.Connection.CloseState;
import dev.nettyws.internal.Connection.PeerClose;
import dev.nettyws.protocol.WebSocketClosedEvent;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The close state machine of one connection (RFC 6455 §7.1), driven without a channel: what the handlers report, what
 * it tells them to do, and the end event it derives (§7.1.5, §7.1.6).
 */
class ConnectionTest {
    private static Connection connection(Role role) {
        return new Connection(null, role, Duration.ofNanos(1));
    }

    private static void assertEvent(WebSocketClosedEvent event, int code, String reason, boolean remote,
            boolean clean) {
        assertEquals(code, event.statusCode(), event::toString);
        assertEquals(reason, event.reason(), event::toString);
        assertEquals(remote, event.remote(), event::toString);
        assertEquals(clean, event.clean(), event::toString);
    }

    @Test
    void section7_1_peerClosesFirst_weEchoAndTheHandshakeIsClean() {
        Connection server = connection(Role.SERVER);
        assertEquals(PeerClose.ECHO, server.closeFrameReceived(1001, "bye"));
        assertEquals(CloseState.CLOSE_RECEIVED, server.closeState());
        server.closeFrameQueued(1001, "");
        assertEquals(CloseState.CLOSED, server.closeState());
        server.closeFrameWritten(true);
        assertEvent(server.transportClosed(), 1001, "bye", true, true);
    }

    @Test
    void section7_1_1_weCloseFirst_theServerClosesTcpAndTheClientWaits() {
        Connection server = connection(Role.SERVER);
        server.closeFrameQueued(1000, "done");
        assertEquals(CloseState.CLOSE_SENT, server.closeState());
        server.closeFrameWritten(true);
        assertEquals(PeerClose.CLOSE, server.closeFrameReceived(1000, ""));
        assertEvent(server.transportClosed(), 1000, "done", false, true);

        Connection client = connection(Role.CLIENT);
        client.closeFrameQueued(1000, "done");
        client.closeFrameWritten(true);
        assertEquals(PeerClose.WAIT, client.closeFrameReceived(1000, ""));
        assertEquals(CloseState.CLOSED, client.closeState());
    }

    @Test
    void section5_5_1_aSecondCloseFrameChangesNothing() {
        Connection connection = connection(Role.SERVER);
        connection.closeFrameQueued(1000, "first");
        connection.closeFrameQueued(4000, "second");
        assertEquals(PeerClose.CLOSE, connection.closeFrameReceived(1000, ""));
        assertEquals(PeerClose.IGNORE, connection.closeFrameReceived(1002, "again"));
        connection.closeFrameWritten(true);
        assertEvent(connection.transportClosed(), 1000, "first", false, true);
    }

    @Test
    void section7_1_5_noCloseFrameReceivedIs1006_remoteWhenTcpDroppedWhileOpen() {
        Connection dropped = connection(Role.SERVER);
        assertEvent(dropped.transportClosed(), CloseStatus.ABNORMAL_CLOSURE, "", true, false);

        Connection unanswered = connection(Role.SERVER);
        unanswered.closeFrameQueued(1000, "");
        unanswered.closeFrameWritten(true);
        assertEvent(unanswered.transportClosed(), CloseStatus.ABNORMAL_CLOSURE, "", false, false);
    }

    @Test
    void section7_1_7_theFirstFailureIsTheOneReported_andCloseFramesAfterItAreIgnored() {
        Connection connection = connection(Role.SERVER);
        connection.recordFailure(CloseStatus.PROTOCOL_ERROR, "reserved opcode 3");
        connection.recordFailure(CloseStatus.POLICY_VIOLATION, "write stalled");
        assertTrue(connection.isFailed());
        assertEquals(CloseState.CLOSED, connection.closeState());
        assertEquals(PeerClose.IGNORE, connection.closeFrameReceived(1000, ""));
        assertFalse(connection.isCloseFrameReceived());
        assertEvent(connection.transportClosed(), CloseStatus.PROTOCOL_ERROR, "reserved opcode 3", false, false);
    }

    @Test
    void aTransportErrorWhileOpenIsThePeersEnd_notAClose() {
        Connection connection = connection(Role.SERVER);
        connection.transportFailed();
        assertEquals(CloseState.CLOSED, connection.closeState());
        assertEquals(PeerClose.IGNORE, connection.closeFrameReceived(1000, ""), "nothing is sent into a dead socket");
        assertEvent(connection.transportClosed(), CloseStatus.ABNORMAL_CLOSURE, "", true, false);

        Connection closing = connection(Role.SERVER);
        closing.closeFrameQueued(1000, "");
        closing.transportFailed();
        assertEquals(CloseState.CLOSE_SENT, closing.closeState(), "a close under way stays ours");
    }

    @Test
    void aCloseFrameThatCouldNotBeWrittenDoesNotMakeTheHandshakeClean() {
        Connection connection = connection(Role.SERVER);
        assertEquals(PeerClose.ECHO, connection.closeFrameReceived(1000, ""));
        connection.closeFrameQueued(1000, "");
        connection.closeFrameWritten(false);
        assertEvent(connection.transportClosed(), 1000, "", true, false);
    }

    @Test
    void theEndEventIsGivenOnce() {
        Connection connection = connection(Role.CLIENT);
        assertEvent(connection.transportClosed(), CloseStatus.ABNORMAL_CLOSURE, "", true, false);
        assertNull(connection.transportClosed());
        assertEquals(Role.CLIENT, connection.role());
    }
}
