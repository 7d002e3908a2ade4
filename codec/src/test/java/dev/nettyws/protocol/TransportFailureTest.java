package dev.nettyws.protocol;

import static dev.nettyws.protocol.ProtocolTestSupport.channel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.nettyws.frame.CloseFrame;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.Role;
import dev.nettyws.internal.ConnectionHandler;
import dev.nettyws.protocol.ProtocolTestSupport.ClosedEvents;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

/**
 * A transport error (a reset, a broken pipe) reaches {@link ConnectionHandler} as an {@link IOException}. Many
 * pipelines end with a handler that closes the channel on any exception; that close must not turn into a close frame
 * sent into a dead socket, nor make the end look like ours: the application is told 1006, remote (RFC 6455 §7.1.5).
 */
class TransportFailureTest {
    /** The common idiom: close on any exception. */
    private static final class CloseOnException extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    @Test
    void section7_1_5_resetClosedByALaterHandlerIsReportedAsAbnormalAndRemoteWithoutACloseFrame() {
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = channel(new ProtocolTestSupport.FrameObjects(Role.SERVER),
            new ConnectionHandler(Role.SERVER, ProtocolTestSupport.NO_IDLE), events,
            new CloseOnException());
        ch.pipeline().fireExceptionCaught(new SocketException("Connection reset"));
        assertNull(ch.readOutbound(), "no close frame into a failed transport");
        assertFalse(ch.isOpen());
        events.assertClosed(CloseStatus.ABNORMAL_CLOSURE, "", true, false);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void nonTransportExceptionClosedByALaterHandlerStillStartsTheCloseHandshake() {
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = channel(new ProtocolTestSupport.FrameObjects(Role.SERVER),
            new ConnectionHandler(Role.SERVER, ProtocolTestSupport.NO_IDLE), events,
            new CloseOnException());
        ch.pipeline().fireExceptionCaught(new IllegalStateException("application bug"));
        CloseFrame close = ProtocolTestSupport.nextOutbound(ch, CloseFrame.class);
        assertEquals(CloseStatus.NORMAL_CLOSURE, close.statusCode());
        close.release();
        ProtocolTestSupport.dropTcp(ch);
        events.assertClosed(CloseStatus.ABNORMAL_CLOSURE, "", false, false);
        assertFalse(ch.finishAndReleaseAll());
    }
}
