package dev.nettyws.example;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.BinaryFrame;
import dev.nettyws.frame.CloseFrame;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.ContinuationFrame;
import dev.nettyws.frame.Frame;
import dev.nettyws.frame.PongFrame;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.protocol.ConnectionConfig;
import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EchoHandlerTest {
    @Test
    void textFrameIsWrittenBackItselfWithoutCopy() {
        EmbeddedChannel channel = new EmbeddedChannel(new EchoHandler());
        TextFrame frame = new TextFrame(Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8));
        channel.writeInbound(frame);
        Frame echoed = channel.readOutbound();
        try {
            assertSame(frame, echoed);
            assertEquals(1, echoed.refCnt());
        } finally {
            echoed.release();
        }
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void binaryAndContinuationFramesAreEchoedAsTheyCame() {
        EmbeddedChannel channel = new EmbeddedChannel(new EchoHandler());
        BinaryFrame first = new BinaryFrame(false, 0, Unpooled.wrappedBuffer(new byte[] {1, 2}));
        ContinuationFrame last = new ContinuationFrame(true, 0, Unpooled.wrappedBuffer(new byte[] {3}));
        channel.writeInbound(first, last);
        Frame a = channel.readOutbound();
        Frame b = channel.readOutbound();
        try {
            assertSame(first, a);
            assertSame(last, b);
            assertFalse(a.isFinal());
            assertTrue(b.isFinal());
        } finally {
            a.release();
            b.release();
        }
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void controlFramesAreReleasedNotEchoed() {
        EmbeddedChannel channel = new EmbeddedChannel(new EchoHandler());
        PongFrame pong = new PongFrame(Unpooled.copiedBuffer("p", StandardCharsets.US_ASCII));
        channel.writeInbound(pong);
        assertEquals(0, pong.refCnt());
        assertNull(channel.readOutbound());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void readingStopsWhileUnwritableAndResumesWhenDrained() {
        EmbeddedChannel channel = new EmbeddedChannel(new EchoHandler());
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
        // fireChannelRead without channelReadComplete: the echo stays queued (unflushed) and counts against the mark.
        channel.pipeline().fireChannelRead(new BinaryFrame(Unpooled.wrappedBuffer(new byte[64])));
        assertFalse(channel.isWritable());
        assertFalse(channel.config().isAutoRead());

        channel.pipeline().fireChannelReadComplete();
        assertTrue(channel.isWritable());
        assertTrue(channel.config().isAutoRead());
        Frame echoed = channel.readOutbound();
        echoed.release();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void autoReadStaysOnWhileWritable() {
        EmbeddedChannel channel = new EmbeddedChannel(new EchoHandler());
        channel.pipeline().fireChannelRead(new BinaryFrame(Unpooled.wrappedBuffer(new byte[64])));
        assertTrue(channel.isWritable());
        assertTrue(channel.config().isAutoRead());
        channel.flushOutbound();
        Frame echoed = channel.readOutbound();
        echoed.release();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void anErrorClosesWith1011OnceAndGoesNoFurther() {
        EmbeddedChannel channel = new EmbeddedChannel(new EchoHandler());
        channel.pipeline().fireExceptionCaught(new IllegalStateException("a bug"));
        channel.pipeline().fireExceptionCaught(new IllegalStateException("the same bug again"));
        CloseFrame close = channel.readOutbound();
        try {
            assertEquals(CloseStatus.INTERNAL_ERROR, close.statusCode());
            assertEquals(ConnectionConfig.INTERNAL_ERROR_REASON, close.reasonText());
        } finally {
            close.release();
        }
        assertNull(channel.readOutbound(), "one close frame");
        assertDoesNotThrow(channel::checkException, "nothing reaches the end of the pipeline");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void transportErrorsAreNotPassedOnNorAnswered() {
        EmbeddedChannel channel = new EmbeddedChannel(new EchoHandler());
        channel.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
        assertNull(channel.readOutbound());
        assertDoesNotThrow(channel::checkException);
        assertFalse(channel.finishAndReleaseAll());
    }
}
