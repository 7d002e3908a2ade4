package dev.nettyws.frame;

import static dev.nettyws.frame.TestChannels.KEY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.testsupport.FrameBytes;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A read that holds exactly one whole frame becomes that frame's payload (no slice); any other read is sliced. Both
 * paths give the same frames, apply the same rules and leave no buffer behind.
 */
class FrameDecoderWholeReadTest {
    private static final byte[] PAYLOAD = "a whole frame in one read".getBytes(StandardCharsets.UTF_8);

    @Test
    void aReadOfOneWholeFrameBecomesItsPayload() {
        EmbeddedChannel ch = TestChannels.server();
        ByteBuf read = TestChannels.wire(FrameBytes.binary(PAYLOAD).mask(KEY).bytes());
        ch.writeInbound(read);
        BinaryFrame frame = TestChannels.read(ch, BinaryFrame.class);
        try {
            assertSame(read, frame.content(), "the read buffer itself is the payload");
            assertEquals(1, read.refCnt(), "the frame holds the read's one reference");
            assertArrayEquals(PAYLOAD, TestChannels.payload(frame), "unmasked in place, header skipped");
            frame.content().readByte();
            frame.content().resetReaderIndex();
            assertArrayEquals(PAYLOAD, TestChannels.payload(frame), "reset returns to the payload's start");
        } finally {
            frame.release();
        }
        assertEquals(0, read.refCnt());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void anEmptyFrameReleasesItsRead() {
        EmbeddedChannel ch = TestChannels.server();
        ByteBuf read = TestChannels.wire(FrameBytes.binary(new byte[0]).mask(KEY).bytes());
        ch.writeInbound(read);
        BinaryFrame frame = TestChannels.read(ch, BinaryFrame.class);
        assertEquals(0, frame.content().readableBytes());
        assertEquals(0, read.refCnt(), "an empty payload does not hold the read");
        frame.release();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aReadOfTwoFramesIsSliced() {
        EmbeddedChannel ch = TestChannels.server();
        byte[] one = FrameBytes.binary(PAYLOAD).mask(KEY).bytes();
        ByteBuf read = TestChannels.wire(one, one);
        ch.writeInbound(read);
        Frame first = TestChannels.read(ch, BinaryFrame.class);
        Frame second = TestChannels.read(ch, BinaryFrame.class);
        assertNotSame(read, first.content());
        assertNotSame(read, second.content());
        assertArrayEquals(PAYLOAD, TestChannels.payload(first));
        assertArrayEquals(PAYLOAD, TestChannels.payload(second));
        TestChannels.releaseAll(List.of(first, second));
        assertFalse(ch.finishAndReleaseAll());
        assertEquals(0, read.refCnt());
    }

    @Test
    void aWholeFrameAfterAPartialReadJoinsTheBufferedBytes() {
        EmbeddedChannel ch = TestChannels.server();
        byte[] frame = FrameBytes.binary(PAYLOAD).mask(KEY).bytes();
        byte[] head = Arrays.copyOf(frame, 5);
        byte[] tail = Arrays.copyOfRange(frame, 5, frame.length);
        // The second read completes the first frame and holds a whole second one: not a read of one whole frame.
        ch.writeInbound(TestChannels.wire(head));
        assertNull(ch.readInbound());
        ch.writeInbound(TestChannels.wire(tail, frame));
        Frame first = TestChannels.read(ch, BinaryFrame.class);
        Frame second = TestChannels.read(ch, BinaryFrame.class);
        assertArrayEquals(PAYLOAD, TestChannels.payload(first));
        assertArrayEquals(PAYLOAD, TestChannels.payload(second));
        TestChannels.releaseAll(List.of(first, second));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aWholeCloseFrameEndsDecoding() {
        EmbeddedChannel ch = TestChannels.server();
        ch.writeInbound(TestChannels.wire(FrameBytes.close(1000, "bye").mask(KEY).bytes()));
        CloseFrame close = TestChannels.read(ch, CloseFrame.class);
        assertEquals(1000, close.statusCode());
        close.release();
        ByteBuf after = TestChannels.wire(FrameBytes.binary(PAYLOAD).mask(KEY).bytes());
        ch.writeInbound(after);
        assertNull(ch.readInbound(), "§5.5.1: nothing after a close frame is decoded");
        assertEquals(0, after.refCnt());
        assertTrue(ch.pipeline().get(FrameDecoder.class).isCloseReceived());
        ch.finishAndReleaseAll();
    }

    @Test
    void aViolationInAWholeReadReleasesTheRead() {
        EmbeddedChannel ch = TestChannels.server();
        ByteBuf read = TestChannels.wire(FrameBytes.text(new byte[] {(byte) 0xC0, (byte) 0x80}).mask(KEY).bytes());
        ProtocolViolationException e = assertThrows(ProtocolViolationException.class, () -> ch.writeInbound(read));
        assertEquals(CloseStatus.INVALID_PAYLOAD_DATA, e.closeStatus());
        assertEquals(0, read.refCnt());
        TestChannels.assertOneCloseFrameWritten(ch, CloseStatus.INVALID_PAYLOAD_DATA, e.getMessage());
        assertFalse(ch.finishAndReleaseAll());
    }
}
