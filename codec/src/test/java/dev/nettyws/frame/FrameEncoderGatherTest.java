package dev.nettyws.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.testsupport.FrameBytes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Small frames written with the void promise are gathered into one buffer until the flush, in order with everything
 * else written, and never held back beyond the gather limit.
 */
class FrameEncoderGatherTest {
    private static TextFrame text(String text) {
        return new TextFrame(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    private static byte[] bytes(ByteBuf buf) {
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    @Test
    void smallFramesWrittenWithTheVoidPromiseLeaveAsOneBufferAtTheFlush() {
        EmbeddedChannel ch = TestChannels.server();
        ch.write(text("one"), ch.voidPromise());
        ch.write(text("two"), ch.voidPromise());
        ch.write(new PingFrame(Unpooled.wrappedBuffer(new byte[] {1, 2})), ch.voidPromise());
        assertNull(ch.readOutbound(), "nothing leaves before the flush");
        ch.flush();
        byte[] expected = FrameBytes.concat(FrameBytes.text("one").bytes(), FrameBytes.text("two").bytes(),
            FrameBytes.ping(new byte[] {1, 2}).bytes());
        assertArrayEquals(expected, bytes(ch.readOutbound()));
        assertNull(ch.readOutbound());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aFrameWithItsOwnPromiseFollowsWhatWasGathered() {
        EmbeddedChannel ch = TestChannels.server();
        ch.write(text("gathered"), ch.voidPromise());
        ch.writeAndFlush(text("own promise"));
        assertArrayEquals(FrameBytes.text("gathered").bytes(), bytes(ch.readOutbound()));
        assertArrayEquals(FrameBytes.text("own promise").bytes(), bytes(ch.readOutbound()));
        assertFalse(ch.finishAndReleaseAll());
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {FrameEncoder.ZERO_COPY_THRESHOLD, FrameEncoder.MAX_GATHERED_PAYLOAD})
    void framesUpToTheGatherSizeAreCopiedIntoTheGatheredBuffer(int length) {
        // Above the zero-copy threshold too: one copy costs less than a header buffer and a second outbound entry.
        EmbeddedChannel ch = TestChannels.server();
        byte[] data = new byte[length];
        new Random(length).nextBytes(data);
        ByteBuf payload = Unpooled.directBuffer(length).writeBytes(data);
        ch.write(text("first"), ch.voidPromise());
        ch.write(new BinaryFrame(payload), ch.voidPromise());
        ch.write(text("last"), ch.voidPromise());
        assertEquals(0, payload.refCnt(), "copied, then released");
        ch.flush();
        byte[] expected = FrameBytes.concat(FrameBytes.text("first").bytes(), FrameBytes.binary(data).bytes(),
            FrameBytes.text("last").bytes());
        assertArrayEquals(expected, bytes(ch.readOutbound()), "one buffer");
        assertNull(ch.readOutbound());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aFrameAboveTheGatherSizeGoesOutUncopiedAfterWhatWasGathered() {
        EmbeddedChannel ch = TestChannels.server();
        byte[] large = new byte[FrameEncoder.MAX_GATHERED_PAYLOAD + 1];
        ByteBuf payload = Unpooled.wrappedBuffer(large);
        ch.write(text("first"), ch.voidPromise());
        ch.write(new BinaryFrame(payload), ch.voidPromise());
        ch.flush();
        assertArrayEquals(FrameBytes.text("first").bytes(), bytes(ch.readOutbound()));
        ByteBuf header = ch.readOutbound();
        assertEquals(4, header.readableBytes());
        header.release();
        ByteBuf body = ch.readOutbound();
        assertTrue(body == payload, "the payload itself");
        body.release();
        assertNull(ch.readOutbound());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aLargeFrameFollowsWhatWasGathered() {
        EmbeddedChannel ch = TestChannels.server();
        byte[] large = new byte[FrameEncoder.MAX_GATHERED_PAYLOAD + 1];
        ch.write(text("first"), ch.voidPromise());
        ch.write(new BinaryFrame(Unpooled.wrappedBuffer(large)), ch.voidPromise());
        ch.flush();
        byte[] expected = FrameBytes.concat(FrameBytes.text("first").bytes(), FrameBytes.binary(large).bytes());
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf out; (out = ch.readOutbound()) != null;) {
            all.writeBytes(out);
            out.release();
        }
        assertArrayEquals(expected, bytes(all));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void noMoreThanTheLimitIsGatheredIntoOneBuffer() {
        EmbeddedChannel ch = TestChannels.server();
        byte[] payload = new byte[1000];
        int frames = FrameEncoder.GATHER_LIMIT / payload.length + 2;
        for (int i = 0; i < frames; i++) {
            ch.write(new BinaryFrame(Unpooled.wrappedBuffer(payload)), ch.voidPromise());
        }
        ch.flush();
        long total = 0;
        int buffers = 0;
        for (ByteBuf out; (out = ch.readOutbound()) != null; buffers++) {
            assertTrue(out.readableBytes() <= FrameEncoder.GATHER_LIMIT, "at most the limit per buffer");
            assertEquals(0, out.readableBytes() % (payload.length + 4), "whole frames only");
            total += out.readableBytes();
            out.release();
        }
        assertTrue(buffers >= 2, "a full buffer goes on and a new one starts");
        assertEquals((long) frames * (payload.length + 4), total, "every frame leaves once");
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void unflushedFramesShareTheFateOfAnyUnflushedWriteAtClose() {
        EmbeddedChannel ch = TestChannels.server();
        TextFrame frame = text("never flushed");
        ByteBuf payload = frame.content();
        ch.write(frame, ch.voidPromise());
        assertEquals(0, payload.refCnt(), "the frame is encoded and released at once");
        ch.close();
        // As for any write with the void promise that was never flushed: failed, reported through the pipeline.
        assertThrows(ClosedChannelException.class, ch::checkException);
        assertFalse(ch.finishAndReleaseAll(), "the gathered buffer was released, not left over");
    }

    /** A payload seen through a little-endian view: its bytes go out in buffer order, not swapped eight at a time. */
    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {20, 255, FrameEncoder.ZERO_COPY_THRESHOLD})
    void aLittleEndianViewOfAPayloadIsSentInItsByteOrder(int length) {
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++) {
            data[i] = (byte) i;
        }
        EmbeddedChannel server = TestChannels.server();
        server.writeAndFlush(new BinaryFrame(Unpooled.wrappedBuffer(
            ByteBuffer.wrap(data.clone()).order(ByteOrder.LITTLE_ENDIAN))));
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf out; (out = server.readOutbound()) != null;) {
            all.writeBytes(out);
            out.release();
        }
        assertArrayEquals(FrameBytes.binary(data).bytes(), bytes(all));
        assertFalse(server.finishAndReleaseAll());

        EmbeddedChannel client = TestChannels.client();
        client.writeAndFlush(new BinaryFrame(Unpooled.wrappedBuffer(
            ByteBuffer.wrap(data.clone()).order(ByteOrder.LITTLE_ENDIAN))));
        byte[] wire = bytes(client.readOutbound());
        int header = wire.length - length;
        int key = ByteBuffer.wrap(wire, header - 4, 4).getInt();
        byte[] payload = Arrays.copyOfRange(wire, header, wire.length);
        assertArrayEquals(data, FrameBytes.mask(payload, key, 0), "unmasked with the frame's own key");
        assertFalse(client.finishAndReleaseAll());
    }

    /** A channel whose application writes "X" the first time a write makes the channel unwritable. */
    private static EmbeddedChannel writingOnUnwritable() {
        return new EmbeddedChannel(new FrameEncoder(FrameConfig.SERVER_DEFAULT), new ChannelInboundHandlerAdapter() {
            private boolean written;

            @Override
            public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                if (!ctx.channel().isWritable() && !written) {
                    written = true;
                    ctx.channel().write(text("X"));
                }
            }
        });
    }

    private static byte[] flushed(EmbeddedChannel ch) {
        ch.flush();
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf out; (out = ch.readOutbound()) != null;) {
            all.writeBytes(out);
            out.release();
        }
        return bytes(all);
    }

    @Test
    void aWriteMadeWhileAFrameIsPassingTheTransportFollowsTheWholeFrame() {
        // The writability change fires inside the first of a frame's buffers (its header): a write from it must not
        // land between the header and the payload.
        EmbeddedChannel ch = writingOnUnwritable();
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1, 2));
        byte[] large = new byte[2000];
        ch.write(new BinaryFrame(Unpooled.wrappedBuffer(large)));
        assertArrayEquals(FrameBytes.concat(FrameBytes.binary(large).bytes(), FrameBytes.text("X").bytes()),
            flushed(ch));
        assertFalse(ch.finishAndReleaseAll());

        // Nor between what was gathered and the frame that sends it on.
        ch = writingOnUnwritable();
        ch.write(text("a"), ch.voidPromise());
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1, 2));
        byte[] small = new byte[100];
        ch.write(new BinaryFrame(Unpooled.wrappedBuffer(small)));
        assertArrayEquals(FrameBytes.concat(FrameBytes.text("a").bytes(), FrameBytes.binary(small).bytes(),
            FrameBytes.text("X").bytes()), flushed(ch));
        assertFalse(ch.finishAndReleaseAll());
    }
}
