package dev.nettyws.protocol;

import static dev.nettyws.protocol.ProtocolTestSupport.NO_IDLE;
import static dev.nettyws.protocol.ProtocolTestSupport.advance;
import static dev.nettyws.protocol.ProtocolTestSupport.ascii;
import static dev.nettyws.protocol.ProtocolTestSupport.bytesFromPeer;
import static dev.nettyws.protocol.ProtocolTestSupport.channel;
import static dev.nettyws.protocol.ProtocolTestSupport.dropTcp;
import static dev.nettyws.protocol.ProtocolTestSupport.frameConfig;
import static dev.nettyws.protocol.ProtocolTestSupport.frames;
import static dev.nettyws.protocol.ProtocolTestSupport.nextOutbound;
import static dev.nettyws.protocol.ProtocolTestSupport.releaseAll;
import static dev.nettyws.protocol.ProtocolTestSupport.sentFrames;
import static dev.nettyws.protocol.ProtocolTestSupport.wire;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.BinaryFrame;
import dev.nettyws.frame.CloseFrame;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.Frame;
import dev.nettyws.frame.FrameDecoder;
import dev.nettyws.frame.FrameEncoder;
import dev.nettyws.frame.PingFrame;
import dev.nettyws.frame.PongFrame;
import dev.nettyws.frame.Role;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.internal.Connection;
import dev.nettyws.internal.Connection.CloseState;
import dev.nettyws.internal.ConnectionHandler;
import dev.nettyws.protocol.ProtocolTestSupport.ClosedEvents;
import dev.nettyws.testsupport.Hex;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The close handshake (RFC 6455 §5.5.1, §7.1) and the closed event, through {@link ConnectionHandler}. */
class CloseHandshakeTest {
    private static final long CLOSE_TIMEOUT_MILLIS = ConnectionConfig.DEFAULT_CLOSE_TIMEOUT.toMillis();

    /** The handler of {@code ch}, looked up while the channel is open (a closed EmbeddedChannel drops its handlers). */
    private static ConnectionHandler handler(EmbeddedChannel ch) {
        return ch.pipeline().get(ConnectionHandler.class);
    }

    // ---- The peer closes first.

    @Test
    void section5_5_1_serverEchoesThePeersStatusCodeThenClosesTcp() {
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = frames(Role.SERVER, NO_IDLE, events);
        CloseFrame peerClose = new CloseFrame(CloseStatus.GOING_AWAY, "tab closed");
        assertFalse(ch.writeInbound(peerClose), "the close frame is reported by the event, not passed on");
        assertEquals(0, peerClose.refCnt());

        CloseFrame echo = nextOutbound(ch, CloseFrame.class);
        assertEquals(CloseStatus.GOING_AWAY, echo.statusCode());
        assertEquals("", echo.reasonText());
        assertTrue(echo.release());
        assertNull(ch.readOutbound());
        assertFalse(ch.isOpen(), "§7.1.1: the server closes TCP right after the echo");
        events.assertClosed(CloseStatus.GOING_AWAY, "tab closed", true, true);
        assertEquals(CloseState.CLOSED, Connection.find(ch).closeState());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section5_5_1_serverEchoOnTheWire() {
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = wire(Role.SERVER, NO_IDLE, events);
        ch.writeInbound(bytesFromPeer(Role.SERVER, new CloseFrame(CloseStatus.NORMAL_CLOSURE, "bye")));
        ByteBuf out = nextOutbound(ch, ByteBuf.class);
        assertEquals("88 02 03 e8", Hex.of(out));
        assertTrue(out.release());
        assertNull(ch.readOutbound());
        assertFalse(ch.isOpen());
        events.assertClosed(CloseStatus.NORMAL_CLOSURE, "bye", true, true);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section5_5_1_closeWithoutStatusCodeIsAnsweredWithoutOneAndReported1005() {
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = frames(Role.SERVER, NO_IDLE, events);
        ch.writeInbound(new CloseFrame());
        CloseFrame echo = nextOutbound(ch, CloseFrame.class);
        assertEquals(0, echo.content().readableBytes(), "an empty close is answered with an empty close");
        echo.release();
        assertFalse(ch.isOpen());
        events.assertClosed(CloseStatus.NO_STATUS_RECEIVED, "", true, true);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section7_1_1_clientEchoesThenWaitsForTheServerToCloseTcp() {
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = frames(Role.CLIENT, NO_IDLE, events);
        ch.writeInbound(new CloseFrame(CloseStatus.NORMAL_CLOSURE, null));
        CloseFrame echo = nextOutbound(ch, CloseFrame.class);
        assertEquals(CloseStatus.NORMAL_CLOSURE, echo.statusCode());
        assertTrue(echo.release());
        assertTrue(ch.isActive(), "the client leaves the TCP close to the server");
        assertTrue(events.events.isEmpty());

        dropTcp(ch);
        events.assertClosed(CloseStatus.NORMAL_CLOSURE, "", true, true);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section7_1_1_clientClosesTcpItselfWhenTheServerDoesNotWithinTheCloseTimeout() {
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = frames(Role.CLIENT, NO_IDLE, events);
        ch.writeInbound(new CloseFrame(4000, "done"));
        assertTrue(nextOutbound(ch, CloseFrame.class).release());

        advance(ch, CLOSE_TIMEOUT_MILLIS - 1);
        assertTrue(ch.isActive());
        advance(ch, 1);
        assertFalse(ch.isOpen(), "the close timer armed by the echo closed TCP");
        events.assertClosed(4000, "done", true, true);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section5_5_1_dataAfterThePeersCloseIsDropped() {
        EmbeddedChannel ch = frames(Role.CLIENT, NO_IDLE, new ClosedEvents());
        ch.writeInbound(new CloseFrame(CloseStatus.NORMAL_CLOSURE, null));
        assertTrue(nextOutbound(ch, CloseFrame.class).release());
        TextFrame late = new TextFrame(ascii("late"));
        PingFrame latePing = new PingFrame(ascii("late"));
        assertFalse(ch.writeInbound(late, latePing));
        assertEquals(0, late.refCnt());
        assertEquals(0, latePing.refCnt());
        assertNull(ch.readOutbound(), "§5.5.2: no pong after the peer's close");
        dropTcp(ch);
        assertFalse(ch.finishAndReleaseAll());
    }

    // ---- We close first.

    @Test
    void section7_1_2_closeFrameWrittenByTheApplicationStartsTheHandshake_serverClosesTcpOnTheAnswer() {
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = frames(Role.SERVER, NO_IDLE, events);
        ChannelFuture written = ch.write(new CloseFrame(4001, "shutting down"));
        assertTrue(written.isSuccess(), "the close frame is flushed without an explicit flush");
        CloseFrame sent = nextOutbound(ch, CloseFrame.class);
        assertEquals(4001, sent.statusCode());
        assertTrue(sent.release());
        assertEquals(CloseState.CLOSE_SENT, Connection.find(ch).closeState());
        assertTrue(ch.isActive());

        ch.writeInbound(new CloseFrame(4001, null));
        assertNull(ch.readOutbound(), "an answer is not answered");
        assertFalse(ch.isOpen(), "the server closes TCP once the handshake is complete");
        events.assertClosed(4001, "shutting down", false, true);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section7_1_1_afterTheAnswerTheClientWaitsForTheServerToCloseTcp() {
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = frames(Role.CLIENT, NO_IDLE, events);
        ch.writeAndFlush(new CloseFrame(CloseStatus.NORMAL_CLOSURE, "bye"));
        assertTrue(nextOutbound(ch, CloseFrame.class).release());
        ch.writeInbound(new CloseFrame(CloseStatus.NORMAL_CLOSURE, null));
        assertEquals(CloseState.CLOSED, Connection.find(ch).closeState());
        assertTrue(ch.isActive());

        dropTcp(ch);
        events.assertClosed(CloseStatus.NORMAL_CLOSURE, "bye", false, true);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section7_1_1_afterTheAnswerTheClientClosesTcpWhenTheCloseTimeoutFires() {
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = frames(Role.CLIENT, NO_IDLE, events);
        ch.writeAndFlush(new CloseFrame(CloseStatus.NORMAL_CLOSURE, "bye"));
        assertTrue(nextOutbound(ch, CloseFrame.class).release());
        ch.writeInbound(new CloseFrame(CloseStatus.NORMAL_CLOSURE, null));
        advance(ch, CLOSE_TIMEOUT_MILLIS);
        assertFalse(ch.isOpen());
        events.assertClosed(CloseStatus.NORMAL_CLOSURE, "bye", false, true);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void channelCloseSends1000AndCompletesItsFutureOnlyWhenTcpIsClosed() {
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = frames(Role.SERVER, NO_IDLE, events);
        ChannelFuture closed = ch.close();
        assertFalse(closed.isDone());
        assertTrue(ch.isActive());
        CloseFrame sent = nextOutbound(ch, CloseFrame.class);
        assertEquals(CloseStatus.NORMAL_CLOSURE, sent.statusCode());
        assertTrue(sent.release());

        ch.writeInbound(new CloseFrame(CloseStatus.NORMAL_CLOSURE, null));
        assertTrue(closed.isSuccess());
        assertFalse(ch.isOpen());
        events.assertClosed(CloseStatus.NORMAL_CLOSURE, "", false, true);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void contextCloseBehindTheHandlerAlsoStartsTheHandshake() {
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = frames(Role.CLIENT, NO_IDLE, events);
        ChannelFuture closed = ch.pipeline().context(events).close();
        CloseFrame sent = nextOutbound(ch, CloseFrame.class);
        assertEquals(CloseStatus.NORMAL_CLOSURE, sent.statusCode());
        assertTrue(sent.release());
        assertFalse(closed.isDone());
        dropTcp(ch);
        assertTrue(closed.isSuccess());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void peerThatNeverAnswersIsCutOffWhenTheCloseTimeoutFires_reported1006() {
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = frames(Role.SERVER, NO_IDLE, events);
        // Not ch.close(): EmbeddedChannel.close() cancels every scheduled task, the close timer included.
        ChannelFuture closed = ch.pipeline().close();
        assertTrue(nextOutbound(ch, CloseFrame.class).release());

        advance(ch, CLOSE_TIMEOUT_MILLIS - 1);
        assertTrue(ch.isActive());
        assertFalse(closed.isDone());
        advance(ch, 1);
        assertTrue(closed.isSuccess());
        assertFalse(ch.isOpen());
        events.assertClosed(CloseStatus.ABNORMAL_CLOSURE, "", false, false);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void closeTimeoutIsConfigurable() {
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = frames(Role.CLIENT, NO_IDLE.toBuilder().closeTimeout(Duration.ofMillis(250)).build(),
            events);
        ch.writeAndFlush(new CloseFrame(CloseStatus.NORMAL_CLOSURE, null));
        assertTrue(nextOutbound(ch, CloseFrame.class).release());
        advance(ch, 249);
        assertTrue(ch.isActive());
        advance(ch, 1);
        assertFalse(ch.isOpen());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section5_5_1_dataFromThePeerAfterOurCloseIsStillDelivered() {
        EmbeddedChannel ch = frames(Role.SERVER, NO_IDLE, new ClosedEvents());
        ch.writeAndFlush(new CloseFrame(CloseStatus.NORMAL_CLOSURE, null));
        assertTrue(nextOutbound(ch, CloseFrame.class).release());
        TextFrame inFlight = new TextFrame(ascii("sent before it saw our close"));
        assertTrue(ch.writeInbound(inFlight));
        assertSame(inFlight, ch.readInbound());
        assertTrue(inFlight.release());
        dropTcp(ch);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section5_5_1_writesAfterOurCloseFailTheirPromiseAndAreReleased() {
        EmbeddedChannel ch = frames(Role.SERVER, NO_IDLE, new ClosedEvents());
        ch.writeAndFlush(new CloseFrame(CloseStatus.NORMAL_CLOSURE, null));
        assertTrue(nextOutbound(ch, CloseFrame.class).release());

        TextFrame text = new TextFrame(ascii("too late"));
        ChannelFuture textWrite = ch.writeAndFlush(text);
        assertInstanceOf(WebSocketClosedException.class, textWrite.cause());
        assertEquals(0, text.refCnt());

        BinaryFrame binary = new BinaryFrame(ascii("too late"));
        assertInstanceOf(WebSocketClosedException.class, ch.writeAndFlush(binary).cause());
        assertEquals(0, binary.refCnt());

        ByteBuf preEncoded = FrameEncoder.encode(ch.alloc(), new TextFrame("broadcast"));
        assertInstanceOf(WebSocketClosedException.class, ch.writeAndFlush(preEncoded).cause());
        assertEquals(0, preEncoded.refCnt());

        CloseFrame second = new CloseFrame(CloseStatus.GOING_AWAY, null);
        assertInstanceOf(WebSocketClosedException.class, ch.writeAndFlush(second).cause(), "one close frame only");
        assertEquals(0, second.refCnt());

        PongFrame pong = new PongFrame(ascii("control frames may follow"));
        assertTrue(ch.writeAndFlush(pong).isSuccess());
        assertTrue(nextOutbound(ch, PongFrame.class).release());
        assertNull(ch.readOutbound());
        dropTcp(ch);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void writesAfterThePeersCloseFailTheirPromiseAndAreReleased() {
        EmbeddedChannel ch = frames(Role.CLIENT, NO_IDLE, new ClosedEvents());
        ch.writeInbound(new CloseFrame(CloseStatus.NORMAL_CLOSURE, null));
        assertTrue(nextOutbound(ch, CloseFrame.class).release());
        TextFrame text = new TextFrame(ascii("too late"));
        assertInstanceOf(WebSocketClosedException.class, ch.writeAndFlush(text).cause());
        assertEquals(0, text.refCnt());
        PingFrame ping = new PingFrame(ascii("too late"));
        assertInstanceOf(WebSocketClosedException.class, ch.writeAndFlush(ping).cause());
        assertEquals(0, ping.refCnt());
        dropTcp(ch);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void closeWhileClosingClosesTcpAtOnce() {
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = frames(Role.CLIENT, NO_IDLE, events);
        ChannelFuture first = ch.close();
        assertTrue(nextOutbound(ch, CloseFrame.class).release());
        assertTrue(ch.isActive());
        ChannelFuture second = ch.close();
        assertTrue(second.isSuccess());
        assertTrue(first.isSuccess());
        assertNull(ch.readOutbound(), "no second close frame");
        events.assertClosed(CloseStatus.ABNORMAL_CLOSURE, "", false, false);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void staticCloseHelperStartsTheHandshakeAndReturnsTheTcpCloseFuture() {
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = frames(Role.SERVER, NO_IDLE, events);
        ChannelFuture closed = Connection.find(ch).close(4100, "kicked");
        assertSame(ch.closeFuture(), closed);
        CloseFrame sent = nextOutbound(ch, CloseFrame.class);
        assertEquals(4100, sent.statusCode());
        assertEquals("kicked", sent.reasonText());
        assertTrue(sent.release());
        assertFalse(closed.isDone());

        ch.writeInbound(new CloseFrame(4100, null));
        assertTrue(closed.isSuccess());
        events.assertClosed(4100, "kicked", false, true);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void staticCloseHelperRejectsCodesThatMayNotBeSent() {
        EmbeddedChannel ch = frames(Role.SERVER, NO_IDLE, new ClosedEvents());
        assertThrows(IllegalArgumentException.class, () -> Connection.find(ch).close(1006, null));
        assertNull(ch.readOutbound());
        dropTcp(ch);
        assertFalse(ch.finishAndReleaseAll());
    }

    // ---- TCP closes without a close handshake.

    @Test
    void section7_1_5_tcpDropWithoutCloseFrameIsReported1006ExactlyOnce() {
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = frames(Role.SERVER, NO_IDLE, events);
        dropTcp(ch);
        events.assertClosed(CloseStatus.ABNORMAL_CLOSURE, "", true, false);
        assertEquals(CloseState.CLOSED, Connection.find(ch).closeState());
        ch.close();
        ch.runPendingTasks();
        assertEquals(1, events.events.size());
        assertFalse(ch.finishAndReleaseAll());
    }

    // ---- The decoder fails the connection.

    @Test
    void section7_1_7_protocolViolationSendsExactlyOneCloseAndIsReportedWithItsCode() {
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = wire(Role.SERVER, NO_IDLE, events);
        // §5.1: a server must fail the connection on an unmasked frame.
        ch.writeInbound(Hex.buf("81 05 48 65 6c 6c 6f"));
        ch.checkException();

        List<Frame> sent = sentFrames(ch, Role.SERVER);
        assertEquals(1, sent.size(), "exactly one frame on the wire: " + sent);
        CloseFrame close = assertInstanceOf(CloseFrame.class, sent.get(0));
        assertEquals(CloseStatus.PROTOCOL_ERROR, close.statusCode());
        releaseAll(sent);
        assertFalse(ch.isOpen());
        assertNull(ch.readInbound());
        events.assertClosed(CloseStatus.PROTOCOL_ERROR, "unmasked frame from client", false, false);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section7_1_7_violationExceptionIsNotPassedOn() {
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = wire(Role.CLIENT, NO_IDLE, events);
        // §5.2: a client must fail the connection on a masked frame.
        ch.writeInbound(Hex.buf("81 85 37 fa 21 3d 7f 9f 4d 51 58"));
        ch.checkException();
        List<Frame> sent = sentFrames(ch, Role.CLIENT);
        assertEquals(1, sent.size());
        assertEquals(CloseStatus.PROTOCOL_ERROR, ((CloseFrame) sent.get(0)).statusCode());
        releaseAll(sent);
        events.assertClosed(CloseStatus.PROTOCOL_ERROR, "masked frame from server", false, false);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section7_1_7_violationAfterOurCloseIsReportedWithTheViolationCode() {
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = wire(Role.SERVER, NO_IDLE, events);
        ch.writeAndFlush(new CloseFrame(CloseStatus.NORMAL_CLOSURE, null));
        // A reserved opcode (§5.2) while we wait for the answer.
        ch.writeInbound(Hex.buf("83 80 00 00 00 00"));
        List<Frame> sent = sentFrames(ch, Role.SERVER);
        // §5.5.1: our close frame was the one close frame; the violation closes TCP without a second one.
        assertEquals(1, sent.size(), sent::toString);
        assertEquals(CloseStatus.NORMAL_CLOSURE, ((CloseFrame) sent.get(0)).statusCode());
        releaseAll(sent);
        assertFalse(ch.isOpen());
        events.assertClosed(CloseStatus.PROTOCOL_ERROR, "reserved opcode 3", false, false);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section7_1_7_violationWhoseCloseFrameNeverFlushesIsCutOffByTheCloseTimer() {
        ClosedEvents events = new ClosedEvents();
        FrameDecoder decoder = new FrameDecoder(frameConfig(Role.SERVER));
        // The peer reads nothing: flushes never complete, so the decoder's close-after-flush never runs.
        EmbeddedChannel ch = channel(new HoldFlushes(), new FrameEncoder(frameConfig(Role.SERVER)), decoder,
            new ConnectionHandler(Role.SERVER, NO_IDLE), events);
        ch.writeInbound(Hex.buf("81 05 48 65 6c 6c 6f"));
        assertTrue(Connection.find(ch).isFailed());
        assertTrue(ch.isActive());

        advance(ch, CLOSE_TIMEOUT_MILLIS);
        assertFalse(ch.isOpen());
        events.assertClosed(CloseStatus.PROTOCOL_ERROR, "unmasked frame from client", false, false);
        assertFalse(ch.finishAndReleaseAll(), "the unflushed close frame was released with the channel");
    }

    @Test
    void section7_1_7_violationReportedBeforeTheDecodersCloseFrameIsFlushedStillSendsOneClose() {
        // On a real socket the flush completes later, so the exception arrives before the decoder's close().
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = channel(new DeferFlushes(), new FrameEncoder(frameConfig(Role.SERVER)),
            new FrameDecoder(frameConfig(Role.SERVER)), new ConnectionHandler(Role.SERVER, NO_IDLE), events);
        ch.writeInbound(Hex.buf("81 05 48 65 6c 6c 6f"));
        ch.runPendingTasks();

        List<Frame> sent = sentFrames(ch, Role.SERVER);
        assertEquals(1, sent.size(), "exactly one frame on the wire: " + sent);
        assertEquals(CloseStatus.PROTOCOL_ERROR, ((CloseFrame) sent.get(0)).statusCode());
        releaseAll(sent);
        assertFalse(ch.isOpen());
        events.assertClosed(CloseStatus.PROTOCOL_ERROR, "unmasked frame from client", false, false);
        assertFalse(ch.finishAndReleaseAll());
    }

    /** Flushes in a later task, as a socket completes writes after the call that made them. */
    private static final class DeferFlushes extends ChannelOutboundHandlerAdapter {
        @Override
        public void flush(ChannelHandlerContext ctx) {
            ctx.executor().execute(ctx::flush);
        }
    }

    /** Swallows flushes, so writes stay in the outbound buffer as if the peer never read. */
    private static final class HoldFlushes extends ChannelOutboundHandlerAdapter {
        @Override
        public void flush(ChannelHandlerContext ctx) {
        }
    }
}
