package dev.nettyws.frame;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.testsupport.FrameBytes;
import dev.nettyws.testsupport.WireFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * Channels and assertions shared by the frame codec tests. Every channel is {@code FrameEncoder} in front of
 * {@code FrameDecoder}, as in production.
 */
final class TestChannels {
    /** The masking key of the RFC 6455 §5.7 examples; used wherever a test does not care about the key. */
    static final int KEY = 0x37fa213d;

    private TestChannels() {
    }

    static EmbeddedChannel server() {
        return channel(FrameConfig.SERVER_DEFAULT);
    }

    static EmbeddedChannel client() {
        return channel(FrameConfig.CLIENT_DEFAULT);
    }

    static EmbeddedChannel channel(FrameConfig config) {
        return new EmbeddedChannel(new FrameEncoder(config), new FrameDecoder(config));
    }

    /** A fresh buffer holding the parts; the decoder unmasks in place, so a buffer is never written twice. */
    static ByteBuf wire(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        ByteBuf buf = Unpooled.buffer(length);
        for (byte[] part : parts) {
            buf.writeBytes(part);
        }
        return buf;
    }

    /** Writes one read that must be accepted without failing the connection. */
    static void accept(EmbeddedChannel ch, byte[]... parts) {
        assertDoesNotThrow(() -> ch.writeInbound(wire(parts)));
        assertTrue(ch.isOpen(), "connection must stay open");
    }

    /**
     * Writes each read in turn: all but the last must be accepted, the last must fail the connection with
     * {@code code}. Then checks the one way out: exactly one close frame with that code and the exception's message
     * as reason was written, and the channel is closed. When no frame is left to read, also finishes the channel
     * and asserts nothing was left over; otherwise the caller reads the frames, releases them and finishes.
     *
     * @return the exception the pipeline raised
     */
    static ProtocolViolationException assertFailsOnLastRead(EmbeddedChannel ch, int code, byte[]... reads) {
        for (int i = 0; i < reads.length - 1; i++) {
            byte[] read = reads[i];
            assertDoesNotThrow(() -> ch.writeInbound(wire(read)), "read " + i + " must not fail the connection");
            assertNull(ch.readOutbound(), "nothing may be written before the violation (read " + i + ")");
        }
        FrameDecoder decoder = ch.pipeline().get(FrameDecoder.class);
        ByteBuf last = wire(reads[reads.length - 1]);
        ProtocolViolationException e = assertThrows(ProtocolViolationException.class, () -> ch.writeInbound(last));
        if (ch.inboundMessages().isEmpty()) {
            // Otherwise frames decoded from it before the violation still hold it.
            assertEquals(0, last.refCnt(), "the input of the failed read must be released");
        }
        assertEquals(code, e.closeStatus(), () -> "close status of: " + e.getMessage());
        assertOneCloseFrameWritten(ch, code, e.getMessage());
        assertFalse(ch.isOpen(), "the connection must be closed");
        assertTrue(decoder.isFailed());
        if (ch.inboundMessages().isEmpty()) {
            assertFalse(ch.finishAndReleaseAll(), "nothing may be left over");
        }
        return e;
    }

    /** As {@link #assertFailsOnLastRead} with the whole input in one read. */
    static ProtocolViolationException assertFails(EmbeddedChannel ch, int code, byte[]... parts) {
        return assertFailsOnLastRead(ch, code, FrameBytes.concat(parts));
    }

    /** Reads everything written so far and checks it is exactly one close frame with this code and reason. */
    static void assertOneCloseFrameWritten(EmbeddedChannel ch, int code, String reason) {
        ByteBuf written = ch.readOutbound();
        assertNotNull(written, "a close frame must be written");
        WireFrame close;
        try {
            close = WireFrame.read(written);
            assertFalse(written.isReadable(), "one frame per buffer");
        } finally {
            written.release();
        }
        assertEquals(Opcode.CLOSE.code(), close.opcode());
        assertEquals(code, close.closeCode());
        assertEquals(reason, close.closeReason());
        assertTrue(close.payload().length <= 125);
        Object more = ch.readOutbound();
        if (more != null) {
            ReferenceCountUtil.release(more);
        }
        assertNull(more, "exactly one close frame must be written");
    }

    /** The next inbound message, which must be of {@code type}. */
    static <T extends Frame> T read(EmbeddedChannel ch, Class<T> type) {
        Object message = ch.readInbound();
        assertNotNull(message, () -> "expected a " + type.getSimpleName());
        return assertInstanceOf(type, message);
    }

    /** Every inbound message, in order. */
    static List<Frame> readAll(EmbeddedChannel ch) {
        List<Frame> frames = new ArrayList<>();
        for (Object message; (message = ch.readInbound()) != null;) {
            frames.add(assertInstanceOf(Frame.class, message));
        }
        return frames;
    }

    /** The readable bytes of a frame's payload. */
    static byte[] payload(Frame frame) {
        ByteBuf content = frame.content();
        byte[] bytes = new byte[content.readableBytes()];
        content.getBytes(content.readerIndex(), bytes);
        return bytes;
    }

    /**
     * Asserts the payloads of frames released earlier are freed. Call after the channel is finished, since a
     * decoded payload is a slice of the decoder's input. Empty payloads share {@link Unpooled#EMPTY_BUFFER}, which
     * is never freed.
     */
    static void assertReleased(Frame... frames) {
        assertReleased(List.of(frames));
    }

    /** As {@link #assertReleased(Frame...)}. */
    static void assertReleased(List<? extends Frame> frames) {
        for (Frame frame : frames) {
            if (frame.refCnt() != 0) {
                assertSame(Unpooled.EMPTY_BUFFER, frame.content(), () -> frame + " must be freed");
            }
        }
    }

    /** Releases every frame. */
    static void releaseAll(List<? extends Frame> frames) {
        for (Frame frame : frames) {
            frame.release();
        }
    }
}
