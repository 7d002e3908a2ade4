package dev.nettyws.protocol;

import static dev.nettyws.protocol.ProtocolTestSupport.NO_IDLE;
import static dev.nettyws.protocol.ProtocolTestSupport.bytesFromPeer;
import static dev.nettyws.protocol.ProtocolTestSupport.channel;
import static dev.nettyws.protocol.ProtocolTestSupport.releaseAll;
import static dev.nettyws.protocol.ProtocolTestSupport.sentFrames;
import static dev.nettyws.protocol.ProtocolTestSupport.wire;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.CloseFrame;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.Frame;
import dev.nettyws.frame.Role;
import dev.nettyws.internal.ConnectionHandler;
import dev.nettyws.protocol.ProtocolTestSupport.ClosedEvents;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

/**
 * Exceptions reaching {@link ConnectionHandler}. A transport error (a reset, a broken pipe) arrives as an
 * {@link IOException}: while the connection is open it is passed on, and a later handler that closes on any exception
 * must not turn it into a close frame sent into a dead socket nor make the end look like ours (1006, remote, RFC 6455
 * §7.1.5); after the close handshake it is nobody's business (issue 21). Anything else is an error the pipeline cannot
 * handle: the connection is failed with 1011 and the exception goes no further.
 */
class TransportFailureTest {
    /** The common idiom: close on any exception. */
    private static final class CloseOnException extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Records the exceptions that get past the connection handler. */
    private static final class Exceptions extends ChannelInboundHandlerAdapter {
        final List<Throwable> caught = new ArrayList<>();

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            caught.add(cause);
        }
    }

    /**
     * Passes each read on and then fires exceptions, as the transport does when a read brings bytes and then an
     * error (the handlers are still in place: the channel is torn down after the read).
     */
    private static final class ReadThenFail extends ChannelInboundHandlerAdapter {
        private final Throwable[] failures;

        ReadThenFail(Throwable... failures) {
            this.failures = failures;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.fireChannelRead(msg);
            for (Throwable failure : failures) {
                ctx.fireExceptionCaught(failure);
            }
        }
    }

    /** Throws an error from its read, as an allocation that ran out of direct memory would. */
    private static final class OutOfMemoryInFront extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            throw new OutOfMemoryError("Cannot reserve 16777216 bytes of direct buffer memory (simulated)");
        }
    }

    @Test
    void section7_1_5_resetClosedByALaterHandlerIsReportedAsAbnormalAndRemoteWithoutACloseFrame() {
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = channel(new ProtocolTestSupport.FrameObjects(Role.SERVER),
            new ConnectionHandler(Role.SERVER, NO_IDLE), events,
            new CloseOnException());
        ch.pipeline().fireExceptionCaught(new SocketException("Connection reset"));
        assertNull(ch.readOutbound(), "no close frame into a failed transport");
        assertFalse(ch.isOpen());
        events.assertClosed(CloseStatus.ABNORMAL_CLOSURE, "", true, false);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void ioErrorWhileOpenIsPassedOn() {
        Exceptions exceptions = new Exceptions();
        EmbeddedChannel ch = channel(new ProtocolTestSupport.FrameObjects(Role.CLIENT),
            new ConnectionHandler(Role.CLIENT, NO_IDLE), exceptions);
        SSLException tls = new SSLException("bad record MAC");
        ch.pipeline().fireExceptionCaught(new DecoderException(tls));
        assertEquals(1, exceptions.caught.size());
        assertEquals(tls, exceptions.caught.get(0).getCause());
        assertNull(ch.readOutbound(), "a TLS failure is a transport failure: no close frame");
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void unhandledExceptionFailsTheConnectionWith1011AndGoesNoFurther() {
        ClosedEvents events = new ClosedEvents();
        Exceptions exceptions = new Exceptions();
        // The same failure twice, as it may echo through a closing pipeline: one close frame, nothing passed on.
        EmbeddedChannel ch = channel(new ProtocolTestSupport.FrameObjects(Role.SERVER),
            new ReadThenFail(new IllegalStateException("a bug in a handler in front"),
                new IllegalStateException("again")),
            new ConnectionHandler(Role.SERVER, NO_IDLE), events, exceptions);
        ch.writeInbound(new Object());
        ch.readInbound();
        CloseFrame close = ProtocolTestSupport.nextOutbound(ch, CloseFrame.class);
        assertEquals(CloseStatus.INTERNAL_ERROR, close.statusCode());
        assertEquals(ConnectionConfig.INTERNAL_ERROR_REASON, close.reasonText());
        close.release();
        assertNull(ch.readOutbound());
        assertFalse(ch.isOpen(), "TCP closed once the close frame is written");
        assertTrue(exceptions.caught.isEmpty(), () -> "passed on: " + exceptions.caught);
        events.assertClosed(CloseStatus.INTERNAL_ERROR, ConnectionConfig.INTERNAL_ERROR_REASON, false, false);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void outOfMemoryErrorInFrontFailsTheConnectionWith1011() {
        ClosedEvents events = new ClosedEvents();
        Exceptions exceptions = new Exceptions();
        EmbeddedChannel ch = channel(new ProtocolTestSupport.FrameObjects(Role.SERVER), new OutOfMemoryInFront(),
            new ConnectionHandler(Role.SERVER, NO_IDLE), events,
            exceptions);
        ch.writeInbound(Unpooled.buffer(4).writeInt(42));
        CloseFrame close = ProtocolTestSupport.nextOutbound(ch, CloseFrame.class);
        assertEquals(CloseStatus.INTERNAL_ERROR, close.statusCode());
        close.release();
        assertFalse(ch.isOpen());
        assertTrue(exceptions.caught.isEmpty(), () -> "passed on: " + exceptions.caught);
        events.assertClosed(CloseStatus.INTERNAL_ERROR, ConnectionConfig.INTERNAL_ERROR_REASON, false, false);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void unhandledExceptionAfterOurCloseFrameClosesWithoutASecondOne() {
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = wire(Role.SERVER, NO_IDLE, events);
        ch.writeAndFlush(new CloseFrame(CloseStatus.NORMAL_CLOSURE, null));
        ch.pipeline().fireExceptionCaught(new IllegalStateException("bug"));
        List<Frame> sent = sentFrames(ch, Role.SERVER);
        assertEquals(1, sent.size(), "§5.5.1: one close frame: " + sent);
        assertEquals(CloseStatus.NORMAL_CLOSURE, assertInstanceOf(CloseFrame.class, sent.get(0)).statusCode());
        releaseAll(sent);
        assertFalse(ch.isOpen());
        events.assertClosed(CloseStatus.INTERNAL_ERROR, ConnectionConfig.INTERNAL_ERROR_REASON, false, false);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void resetAfterTheCloseHandshakeIsNotPassedOnToTheClient() {
        ClosedEvents events = new ClosedEvents();
        Exceptions exceptions = new Exceptions();
        EmbeddedChannel ch = wire(Role.CLIENT, NO_IDLE, events);
        ch.pipeline().addLast(exceptions);
        // The server closes first; the client answers and waits for the server to close TCP (§7.1.1)...
        ch.writeInbound(bytesFromPeer(Role.CLIENT, new CloseFrame(CloseStatus.NORMAL_CLOSURE, "bye")));
        releaseAll(sentFrames(ch, Role.CLIENT));
        // ...which resets instead of closing with a FIN.
        ch.pipeline().fireExceptionCaught(new SocketException("Connection reset by peer"));
        ProtocolTestSupport.dropTcp(ch);
        assertTrue(exceptions.caught.isEmpty(), () -> "passed on: " + exceptions.caught);
        events.assertClosed(CloseStatus.NORMAL_CLOSURE, "bye", true, true);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void resetAfterTheCloseHandshakeIsNotPassedOnToTheServer() {
        ClosedEvents events = new ClosedEvents();
        Exceptions exceptions = new Exceptions();
        EmbeddedChannel ch = wire(Role.SERVER, NO_IDLE, events);
        ch.pipeline().addFirst(new ReadThenFail(new IOException("Connection reset by peer")));
        ch.pipeline().addLast(exceptions);
        ch.writeAndFlush(new CloseFrame(4000, "done"));
        // The client's answer and then its reset, in one read.
        ch.writeInbound(bytesFromPeer(Role.SERVER, new CloseFrame(4000, null)));
        releaseAll(sentFrames(ch, Role.SERVER));
        assertTrue(exceptions.caught.isEmpty(), () -> "passed on: " + exceptions.caught);
        events.assertClosed(4000, "done", false, true);
        assertFalse(ch.finishAndReleaseAll());
    }
}
