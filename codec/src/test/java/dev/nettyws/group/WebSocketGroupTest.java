package dev.nettyws.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.BinaryFrame;
import dev.nettyws.frame.CloseFrame;
import dev.nettyws.frame.ContinuationFrame;
import dev.nettyws.frame.Frame;
import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.FrameDecoder;
import dev.nettyws.frame.FrameEncoder;
import dev.nettyws.frame.PingFrame;
import dev.nettyws.frame.Role;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.internal.ConnectionHandler;
import dev.nettyws.protocol.ConnectionConfig;
import dev.nettyws.testsupport.FrameBytes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Membership, encode-once, order, close removal and buffer ownership of {@link WebSocketGroup}, on
 * {@code EmbeddedChannel}s carrying the server codec. Each channel is its own event loop here: its pending tasks (the
 * group's drain) run when the test runs them.
 */
class WebSocketGroupTest {
    private static final ConnectionConfig NO_IDLE = ConnectionConfig.DEFAULT.toBuilder().idleTimeout(Duration.ZERO)
        .build();

    /** Heap buffers, so that a test can see two members were written the same bytes (the same array). */
    private final WebSocketGroup group = new WebSocketGroup(new UnpooledByteBufAllocator(false));
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private final List<Throwable> exceptions = new ArrayList<>();

    @AfterEach
    void releaseAll() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    /** An upgraded server connection: encoder, decoder, connection handler, and a recorder of exceptions. */
    private EmbeddedChannel member() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameEncoder(FrameConfig.SERVER_DEFAULT),
            new FrameDecoder(FrameConfig.SERVER_DEFAULT), new ConnectionHandler(Role.SERVER, NO_IDLE),
            new ChannelInboundHandlerAdapter() {
                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    exceptions.add(cause);
                }
            });
        channels.add(ch);
        return ch;
    }

    /** Runs the group's drain on every channel (each is its own event loop). */
    private void drain() {
        channels.forEach(EmbeddedChannel::runPendingTasks);
    }

    /** What the channel has been written, as the bytes on the wire, one entry per buffer. */
    private static List<ByteBuf> written(EmbeddedChannel ch) {
        List<ByteBuf> buffers = new ArrayList<>();
        for (Object msg; (msg = ch.readOutbound()) != null; ) {
            buffers.add((ByteBuf) msg);
        }
        return buffers;
    }

    private static List<String> writtenHex(EmbeddedChannel ch) {
        List<String> hex = new ArrayList<>();
        for (ByteBuf buf : written(ch)) {
            hex.add(ByteBufUtil.hexDump(buf));
            buf.release();
        }
        return hex;
    }

    /** The wire bytes of unmasked text frames, one entry per frame. */
    private static List<String> texts(String... texts) {
        return Arrays.stream(texts).map(text -> hex(FrameBytes.text(text))).toList();
    }

    private static String hex(FrameBytes frame) {
        return ByteBufUtil.hexDump(frame.bytes());
    }

    @Test
    void membersJoinOnceAndLeaveWhenRemoved() {
        EmbeddedChannel alice = member();
        EmbeddedChannel bob = member();
        assertTrue(group.add(alice));
        assertFalse(group.add(alice), "already a member");
        assertTrue(group.add(bob));
        assertEquals(2, group.size());
        assertTrue(group.contains(bob));

        assertTrue(group.remove(bob));
        assertFalse(group.remove(bob), "no longer a member");
        assertFalse(group.contains(bob));
        assertEquals(1, group.size());
    }

    @Test
    void aChannelWithoutTheCodecOrClosedIsNotAdded() {
        EmbeddedChannel plain = new EmbeddedChannel();
        assertThrows(IllegalArgumentException.class, () -> group.add(plain));
        plain.finishAndReleaseAll();

        EmbeddedChannel closed = new EmbeddedChannel(new FrameEncoder(FrameConfig.SERVER_DEFAULT));
        closed.close();
        assertFalse(group.add(closed));
        assertEquals(0, group.size());
    }

    @Test
    void aMessageIsEncodedOnceAndEveryMemberIsWrittenTheSameBytes() {
        EmbeddedChannel alice = member();
        EmbeddedChannel bob = member();
        group.add(alice);
        group.add(bob);

        assertEquals(2, group.publish(new TextFrame("hello")));
        drain();

        List<ByteBuf> toAlice = written(alice);
        List<ByteBuf> toBob = written(bob);
        assertEquals(1, toAlice.size());
        assertEquals(1, toBob.size());
        assertEquals(hex(FrameBytes.text("hello")), ByteBufUtil.hexDump(toAlice.get(0)), "an unmasked text frame");
        assertSame(toAlice.get(0).array(), toBob.get(0).array(), "duplicates of one encoded buffer");
        toAlice.get(0).release();
        assertEquals(1, toBob.get(0).refCnt(), "bob's duplicate holds the only reference left");
        toBob.get(0).release();
        assertEquals(0, toBob.get(0).refCnt(), "the group kept none");
    }

    @Test
    void exceptLeavesOutOneMember() {
        EmbeddedChannel sender = member();
        EmbeddedChannel other = member();
        group.add(sender);
        group.add(other);

        assertEquals(1, group.publish(new BinaryFrame(Unpooled.wrappedBuffer(new byte[] {1, 2})), sender));
        drain();

        assertEquals(List.of(), writtenHex(sender));
        assertEquals(List.of(hex(FrameBytes.binary(new byte[] {1, 2}))), writtenHex(other));
    }

    @Test
    void membersGetExactlyWhatIsPublishedBetweenTheirAddAndTheirRemove() {
        EmbeddedChannel early = member();
        EmbeddedChannel late = member();
        group.add(early);
        group.publish(new TextFrame("1"));
        group.add(late);
        group.publish(new TextFrame("2"));
        group.remove(early);
        group.publish(new TextFrame("3"));
        drain();

        assertEquals(texts("1", "2"), writtenHex(early));
        assertEquals(texts("2", "3"), writtenHex(late));
    }

    @Test
    void whatOnJoinWritesComesBetweenEarlierAndLaterMessages() {
        EmbeddedChannel first = member();
        EmbeddedChannel joining = member();
        group.add(first);
        group.publish(new TextFrame("before"));
        // The welcome is written on the member's event loop, in the group's order, whenever the drain runs.
        assertTrue(group.add(joining, ch -> ch.write(new TextFrame("welcome"))));
        group.publish(new TextFrame("after"));
        drain();

        assertEquals(texts("welcome", "after"), writtenHex(joining));
        assertEquals(texts("before", "after"), writtenHex(first));
    }

    @Test
    void anOnJoinThatThrowsFailsThatMemberWith1011AndTheOthersStay() {
        EmbeddedChannel failing = member();
        EmbeddedChannel staying = member();
        group.add(staying);
        group.add(failing, c -> {
            throw new IllegalStateException("boom");
        });
        drain();
        assertEquals(List.of(hex(FrameBytes.close(1011, "internal error"))), writtenHex(failing),
            "an application error the pipeline cannot handle fails the connection (issue 15)");
        assertFalse(failing.isOpen());
        assertFalse(group.contains(failing));

        assertEquals(1, group.publish(new TextFrame("still here")));
        drain();
        assertEquals(texts("still here"), writtenHex(staying));
        assertEquals(List.of(), exceptions, "the connection handler does not pass the error on");
    }

    @Test
    void aClosedMemberLeavesTheGroupByItself() {
        EmbeddedChannel leaving = member();
        EmbeddedChannel staying = member();
        group.add(leaving);
        group.add(staying);

        // The peer closes: the server echoes its close frame and closes TCP (RFC 6455 §7.1.1).
        leaving.writeInbound(FrameBytes.close(1000, "").mask(0x37fa213d).buf());
        assertFalse(leaving.isOpen());
        assertFalse(group.contains(leaving));
        assertEquals(1, group.publish(new TextFrame("x")));
        drain();

        assertEquals(texts("x"), writtenHex(staying));
        assertEquals(List.of(hex(FrameBytes.close(1000, ""))), writtenHex(leaving), "the echo of the close only");
    }

    @Test
    void aMemberOfTwoGroupsLeavesBothWhenClosedAndOneItLeftEarlierIsNotTouched() {
        WebSocketGroup other = new WebSocketGroup(new UnpooledByteBufAllocator(false));
        WebSocketGroup left = new WebSocketGroup(new UnpooledByteBufAllocator(false));
        EmbeddedChannel ch = member();
        group.add(ch);
        other.add(ch);
        left.add(ch);
        drain();
        assertTrue(left.remove(ch));
        drain();
        left.add(member());
        drain();

        ch.writeInbound(FrameBytes.close(1000, "").mask(0x37fa213d).buf());
        drain();
        assertFalse(group.contains(ch));
        assertFalse(other.contains(ch));
        assertEquals(1, left.size(), "the other member of the group it left stays");
    }

    @Test
    void aMemberStillLeavesWhenClosedAfterItsConnectionHandlerWasRemoved() {
        EmbeddedChannel ch = member();
        group.add(ch);
        drain();
        ch.pipeline().remove(ConnectionHandler.class);
        ch.close();
        drain();
        assertFalse(group.contains(ch), "the channel's close future removes it when nothing reports the end");
    }

    @Test
    void aGroupLeftAfterTheConnectionHandlerWasRemovedIsNotHeldByTheChannel() throws InterruptedException {
        EmbeddedChannel ch = member();
        WebSocketGroup left = new WebSocketGroup(new UnpooledByteBufAllocator(false));
        left.add(ch);
        drain();
        ch.pipeline().remove(ConnectionHandler.class);
        left.remove(ch);
        drain();
        WeakReference<WebSocketGroup> ref = new WeakReference<>(left);
        left = null;
        for (int i = 0; i < 20 && ref.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        // The watcher handed to the close future when the handler left is taken off it when the member leaves.
        assertNull(ref.get(), "the channel's close future still holds a group it left");
        assertTrue(ch.isOpen());
    }

    @Test
    void aMemberWithoutAConnectionHandlerLeavesWhenClosed() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameEncoder(FrameConfig.SERVER_DEFAULT));
        channels.add(ch);
        group.add(ch);
        drain();
        ch.close();
        drain();
        assertFalse(group.contains(ch));
    }

    @Test
    void aMemberClosingWhileMessagesAreQueuedRefusesThemQuietlyAndReleasesThem() {
        EmbeddedChannel closing = member();
        group.add(closing);
        drain();
        ByteBuf encoded = Unpooled.wrappedBuffer(FrameBytes.text("late").bytes());
        group.publishEncoded(encoded.retain());
        // Our close frame goes out first: the connection handler refuses data after it (RFC 6455 §5.5.1).
        closing.writeAndFlush(new CloseFrame(1000, null));
        drain();

        assertEquals(List.of(hex(FrameBytes.close(1000, ""))), writtenHex(closing));
        assertEquals(1, encoded.refCnt(), "the refused duplicate was released, the group's reference too");
        assertEquals(List.of(), exceptions, "a refused write is not reported as an exception");
        encoded.release();
    }

    @Test
    void publishingToNobodyReleasesTheMessage() {
        ByteBuf payload = Unpooled.copiedBuffer("nobody", StandardCharsets.UTF_8);
        assertEquals(0, group.publish(new TextFrame(payload)));
        assertEquals(0, payload.refCnt());

        ByteBuf encoded = Unpooled.wrappedBuffer(FrameBytes.text("nobody").bytes());
        assertEquals(0, group.publishEncoded(encoded));
        assertEquals(0, encoded.refCnt());
    }

    @Test
    void publishEncodedTakesTheBufferAndEveryoneGetsItsBytes() {
        EmbeddedChannel alice = member();
        EmbeddedChannel bob = member();
        group.add(alice);
        group.add(bob);
        ByteBuf encoded = Unpooled.wrappedBuffer(FrameBytes.text("pre").bytes());

        assertEquals(2, group.publishEncoded(encoded));
        assertEquals(2, encoded.refCnt(), "one reference per event loop until it has written it");
        drain();

        assertEquals(texts("pre"), writtenHex(alice));
        assertEquals(texts("pre"), writtenHex(bob));
        assertEquals(0, encoded.refCnt());
    }

    @Test
    void onlyWholeDataMessagesWithoutExtensionBitsArePublishedAndTheRestIsReleased() {
        group.add(member());
        List<Supplier<Frame>> refused = List.of(
            () -> new PingFrame(Unpooled.copiedBuffer("p", StandardCharsets.UTF_8)),
            () -> new CloseFrame(1000, null),
            () -> new TextFrame(false, 0, Unpooled.copiedBuffer("part", StandardCharsets.UTF_8)),
            () -> new ContinuationFrame(true, 0, Unpooled.copiedBuffer("rest", StandardCharsets.UTF_8)),
            () -> new BinaryFrame(true, Frame.RSV1, Unpooled.copiedBuffer("zip", StandardCharsets.UTF_8)));
        for (Supplier<Frame> make : refused) {
            Frame frame = make.get();
            String what = frame.toString();
            assertThrows(IllegalArgumentException.class, () -> group.publish(frame), what);
            assertEquals(0, frame.refCnt(), "released: " + what);
        }
        drain();
        assertEquals(List.of(), writtenHex(channels.get(0)));
    }

    @Test
    void aMemberPastItsHighWaterMarkIsFlushedWithinTheRun() {
        EmbeddedChannel ch = member();
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(32, 64));
        group.add(ch);
        drain();
        int[] flushesDuring = new int[1];
        ch.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext ctx) {
                flushesDuring[0]++;
                ctx.flush();
            }
        });
        for (int i = 0; i < 4; i++) {
            group.publish(new BinaryFrame(Unpooled.wrappedBuffer(new byte[100])));
        }
        drain();

        assertEquals(4 + 1, flushesDuring[0], "each write passed the high water mark, then the run's flush");
        assertEquals(4, writtenHex(ch).size());
        assertNull(ch.readOutbound());
    }
}
