package dev.nettyws.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.testsupport.FrameBytes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A frame read whole and written back goes out as the read buffer itself, its header written where the inbound
 * header was; and every case where that would touch memory someone else still sees is refused and encoded as usual.
 */
class FrameEncoderInPlaceHeaderTest {
    private static byte[] data(int length) {
        byte[] data = new byte[length];
        new Random(length).nextBytes(data);
        return data;
    }

    /** One read holding one masked frame, in a direct buffer as the transport's reads are. */
    private static ByteBuf read(FrameBytes frame) {
        byte[] bytes = frame.mask(TestChannels.KEY).bytes();
        return Unpooled.directBuffer(bytes.length).writeBytes(bytes);
    }

    /** Everything written, concatenated; every outbound buffer released. */
    private static byte[] drain(EmbeddedChannel ch) {
        ByteBuf all = Unpooled.buffer();
        try {
            for (ByteBuf out; (out = ch.readOutbound()) != null;) {
                all.writeBytes(out);
                out.release();
            }
            return ByteBufUtil.getBytes(all);
        } finally {
            all.release();
        }
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {1, 32, 125, 126, 1000, 5000, 65535, 65536})
    void anEchoedWholeReadGoesBackAsTheReadBufferItself(int length) {
        byte[] data = data(length);
        EmbeddedChannel ch = TestChannels.server();
        ByteBuf in = read(FrameBytes.binary(data).fin(false));
        ch.writeInbound(in);
        Frame frame = ch.readInbound();
        assertTrue(frame.payloadIsWholeRead);
        assertSame(in, frame.content());
        ch.writeAndFlush(frame);
        ByteBuf out = ch.readOutbound();
        assertNull(ch.readOutbound(), "one outbound buffer");
        assertSame(in, out, "the read buffer itself");
        assertArrayEquals(FrameBytes.binary(data).fin(false).bytes(), ByteBufUtil.getBytes(out));
        assertEquals(1, out.refCnt(), "the frame's one reference passed to the transport");
        assertTrue(out.release());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void anEchoWithTheVoidPromiseIsTheReadBufferToo() {
        EmbeddedChannel ch = TestChannels.server();
        ByteBuf in = read(FrameBytes.text("hello"));
        ch.writeInbound(in);
        ch.write(ch.readInbound(), ch.voidPromise());
        ch.flush();
        ByteBuf out = ch.readOutbound();
        assertSame(in, out);
        assertArrayEquals(FrameBytes.text("hello").bytes(), ByteBufUtil.getBytes(out));
        out.release();
        assertNull(ch.readOutbound());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aFewBytesReadIntoABigBufferAreCopiedSoTheQueueHoldsWhatTheLimitsCount() {
        // The transport's read buffer is sized by its guess (up to 64 KiB), not by the frame: sent as it is, each
        // queued echo would hold the whole buffer while the write limits count one byte.
        EmbeddedChannel ch = TestChannels.server();
        byte[] bytes = FrameBytes.binary(new byte[] {7}).mask(TestChannels.KEY).bytes();
        ByteBuf in = Unpooled.directBuffer(16 * 1024).writeBytes(bytes);
        ch.writeInbound(in);
        Frame frame = ch.readInbound();
        assertTrue(frame.payloadIsWholeRead);
        ch.writeAndFlush(frame);
        ByteBuf out = ch.readOutbound();
        assertNotSame(in, out, "copied");
        assertTrue(out.capacity() < 64, "capacity " + out.capacity());
        assertArrayEquals(FrameBytes.binary(new byte[] {7}).bytes(), ByteBufUtil.getBytes(out));
        out.release();
        assertEquals(0, in.refCnt(), "the read buffer released");
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aPingGrownPastTheControlLimitIsRefusedNotSentInPlace() {
        // RFC 6455 5.5: control frames carry at most 125 bytes. The encoder's check must hold on every path.
        EmbeddedChannel ch = TestChannels.server();
        ByteBuf in = Unpooled.directBuffer(1024).writeBytes(FrameBytes.ping(new byte[] {'p'}).mask(TestChannels.KEY)
            .bytes());
        ch.writeInbound(in);
        Frame ping = ch.readInbound();
        ping.content().writeZero(199);
        ChannelFuture written = ch.writeAndFlush(ping);
        assertNull(ch.readOutbound(), "nothing written");
        assertEquals(0, in.refCnt(), "released");
        assertTrue(written.isDone() && !written.isSuccess(), "the write failed");
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aPayloadTheApplicationRetainedIsLeftUntouched() {
        byte[] data = data(40);
        EmbeddedChannel ch = TestChannels.server();
        ch.writeInbound(read(FrameBytes.binary(data)));
        Frame frame = ch.readInbound();
        ByteBuf kept = frame.content().retain();
        int readerIndex = kept.readerIndex();
        byte[] before = ByteBufUtil.getBytes(kept, 0, kept.writerIndex());
        ch.writeAndFlush(frame);
        assertArrayEquals(FrameBytes.binary(data).bytes(), drain(ch));
        assertEquals(readerIndex, kept.readerIndex());
        assertArrayEquals(before, ByteBufUtil.getBytes(kept, 0, kept.writerIndex()), "the inbound header too");
        assertTrue(kept.release());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aFrameTheApplicationBuiltIsNeverWrittenInto() {
        // Its own array with bytes before the reader index: nothing says those bytes are free.
        byte[] shared = new byte[50];
        new Random(5).nextBytes(shared);
        byte[] copy = shared.clone();
        EmbeddedChannel ch = TestChannels.server();
        ch.writeAndFlush(new BinaryFrame(Unpooled.wrappedBuffer(shared).skipBytes(20)));
        assertArrayEquals(FrameBytes.binary(Arrays.copyOfRange(copy, 20, 50)).bytes(), drain(ch));
        assertArrayEquals(copy, shared);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aReadThatIsASliceOfABiggerBufferLeavesTheBytesBeforeItAlone() {
        // An upstream handler (HTTP/2, TLS) may pass on a slice: the bytes before it belong to something else.
        byte[] data = data(30);
        byte[] frame = FrameBytes.binary(data).mask(TestChannels.KEY).bytes();
        ByteBuf parent = Unpooled.directBuffer(8 + frame.length).writeLong(0x0102030405060708L).writeBytes(frame);
        EmbeddedChannel ch = TestChannels.server();
        ch.writeInbound(parent.retainedSlice(8, frame.length));
        ch.writeAndFlush(ch.readInbound());
        assertArrayEquals(FrameBytes.binary(data).bytes(), drain(ch));
        assertEquals(0x0102030405060708L, parent.getLong(0));
        assertArrayEquals(Arrays.copyOf(frame, 6), ByteBufUtil.getBytes(parent, 8, 6), "its inbound header too");
        assertTrue(parent.release());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aReadHoldingSeveralFramesHandsOutSlicesThatAreNotMarked() {
        EmbeddedChannel ch = TestChannels.server();
        ch.writeInbound(TestChannels.wire(FrameBytes.text("a").mask(TestChannels.KEY).bytes(),
            FrameBytes.text("b").mask(TestChannels.KEY).bytes()));
        for (int i = 0; i < 2; i++) {
            Frame frame = ch.readInbound();
            assertFalse(frame.payloadIsWholeRead);
            frame.release();
        }
        assertFalse(ch.finishAndReleaseAll());
    }

    /**
     * Buffers a decoder never marks but the encoder must refuse anyway (the mark is set by hand): read-only, a
     * duplicate, a little-endian view, a composite, too few bytes before the reader index.
     */
    @SuppressWarnings("deprecation") // ByteBuf.order: a little-endian view
    private static ByteBuf refused(int refusal, ByteBuf buf) {
        switch (refusal) {
            case 0:
                return buf.asReadOnly();
            case 1:
                return buf.duplicate();
            case 2:
                return buf.order(ByteOrder.LITTLE_ENDIAN);
            case 3:
                CompositeByteBuf composite = Unpooled.compositeBuffer();
                int readerIndex = buf.readerIndex();
                return composite.addComponent(true, buf.readerIndex(0)).readerIndex(readerIndex);
            default:
                return buf.readerIndex(1);
        }
    }

    @ParameterizedTest(name = "case {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4})
    void theEncoderRefusesEveryBufferItMustNotWriteInto(int refusal) {
        byte[] data = data(20);
        // 6 bytes before the payload, as after a masked inbound header; an array of our own to look at afterwards.
        byte[] memory = new byte[26];
        System.arraycopy(data, 0, memory, 6, data.length);
        byte[] before = memory.clone();
        ByteBuf payload = refused(refusal, Unpooled.wrappedBuffer(memory).readerIndex(6));
        byte[] expected = FrameBytes.binary(Arrays.copyOfRange(memory, payload.readerIndex(), 26)).bytes();
        BinaryFrame frame = new BinaryFrame(payload);
        frame.payloadIsWholeRead = true;
        EmbeddedChannel ch = TestChannels.server();
        ch.writeAndFlush(frame);
        assertArrayEquals(expected, drain(ch));
        assertEquals(0, payload.refCnt(), "copied, then released");
        assertArrayEquals(before, memory, "nothing written into the payload's memory");
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aClientMasksAndSoNeverWritesIntoWhatItRead() {
        byte[] data = data(40);
        EmbeddedChannel ch = TestChannels.client();
        ByteBuf in = Unpooled.directBuffer().writeBytes(FrameBytes.binary(data).bytes());
        ch.writeInbound(in);
        ch.writeAndFlush(ch.readInbound());
        ByteBuf out = ch.readOutbound();
        assertNotSame(in, out);
        byte[] wire = ByteBufUtil.getBytes(out);
        out.release();
        assertEquals(0x80, wire[1] & 0x80, "masked");
        int key = (wire[2] & 0xFF) << 24 | (wire[3] & 0xFF) << 16 | (wire[4] & 0xFF) << 8 | wire[5] & 0xFF;
        assertArrayEquals(data, FrameBytes.mask(Arrays.copyOfRange(wire, 6, wire.length), key, 0));
        assertEquals(0, in.refCnt(), "copied, then released");
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void afterGatheredFramesASmallEchoIsGatheredTooAndALargeOneFollowsInPlace() {
        EmbeddedChannel ch = TestChannels.server();
        ch.write(new TextFrame(Unpooled.copiedBuffer(new byte[] {'x'})), ch.voidPromise());
        ByteBuf small = read(FrameBytes.text("small"));
        ch.writeInbound(small);
        ch.write(ch.readInbound(), ch.voidPromise());
        assertEquals(0, small.refCnt(), "copied into the gathered buffer, then released");
        byte[] large = data(FrameEncoder.MAX_GATHERED_PAYLOAD + 1);
        ByteBuf big = read(FrameBytes.binary(large));
        ch.writeInbound(big);
        ch.write(ch.readInbound(), ch.voidPromise());
        ch.flush();
        ByteBuf gathered = ch.readOutbound();
        assertArrayEquals(FrameBytes.concat(FrameBytes.text("x").bytes(), FrameBytes.text("small").bytes()),
            ByteBufUtil.getBytes(gathered));
        gathered.release();
        ByteBuf out = ch.readOutbound();
        assertSame(big, out);
        assertArrayEquals(FrameBytes.binary(large).bytes(), ByteBufUtil.getBytes(out));
        out.release();
        assertNull(ch.readOutbound());
        assertFalse(ch.finishAndReleaseAll());
    }
}
