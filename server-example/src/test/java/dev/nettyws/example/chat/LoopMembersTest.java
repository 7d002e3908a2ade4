package dev.nettyws.example.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.Role;
import dev.nettyws.internal.ConnectionHandler;
import dev.nettyws.server.WebSocketServerConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.EventExecutor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The flush after a run of broadcasts, on a real event loop: {@code EmbeddedChannel}s stand for the members' transports
 * (their writes are seen by a flush counter at the head of each pipeline), the broadcasts run as one task on a
 * {@link DefaultEventLoop}, as they do when a read delivers several messages.
 */
class LoopMembersTest {
    private final EventLoop loop = new DefaultEventLoop();
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private static final EventEncoding BYTES = (alloc, event) -> event.content();
    private static final ChatEvent EVENT = ChatJson.join("x");

    private ChatMember member(AtomicInteger flushes) {
        EmbeddedChannel channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext ctx) {
                flushes.incrementAndGet();
                ctx.flush();
            }
        });
        channels.add(channel);
        return new ChatMember(new ChannelSubscriber(channel), "m" + channels.size());
    }

    /** Writes what it is delivered to its channel, and flushes when told. */
    private final class ChannelSubscriber implements ChatSubscriber {
        private final EmbeddedChannel channel;

        ChannelSubscriber(EmbeddedChannel channel) {
            this.channel = channel;
        }

        @Override
        public EventExecutor executor() {
            return loop;
        }

        @Override
        public ByteBufAllocator alloc() {
            return channel.alloc();
        }

        @Override
        public EventEncoding encoding() {
            return BYTES;
        }

        @Override
        public void joined(JoinedRoom joined) {
        }

        @Override
        public void send(ChatEvent event) {
        }

        @Override
        public void deliver(ChatEvent event, ByteBuf encoded) {
            channel.write(encoded.retainedDuplicate());
        }

        @Override
        public void flush() {
            channel.flush();
        }
    }

    private static List<String> written(EmbeddedChannel channel) {
        List<String> texts = new ArrayList<>();
        for (ByteBuf buf; (buf = channel.readOutbound()) != null; ) {
            texts.add(buf.toString(StandardCharsets.US_ASCII));
            buf.release();
        }
        return texts;
    }

    @Test
    void aRunOfBroadcastsIsFlushedOncePerMemberAfterTheRun() throws Exception {
        AtomicInteger aliceFlushes = new AtomicInteger();
        AtomicInteger bobFlushes = new AtomicInteger();
        ChatMember alice = member(aliceFlushes);
        ChatMember bob = member(bobFlushes);
        LoopMembers members = new LoopMembers(loop, BYTES);
        members.members = new ChatMember[] {alice, bob};
        ByteBuf[] wires = {Unpooled.copiedBuffer("one", StandardCharsets.US_ASCII),
            Unpooled.copiedBuffer("two", StandardCharsets.US_ASCII),
            Unpooled.copiedBuffer("three", StandardCharsets.US_ASCII)};
        int flushesDuringTheRun = loop.submit(() -> {
            for (ByteBuf wire : wires) {
                members.write(members.members, EVENT, wire, null);
                wire.release();
            }
            return aliceFlushes.get() + bobFlushes.get();
        }).get(5, TimeUnit.SECONDS);
        loop.submit(() -> { }).get(5, TimeUnit.SECONDS);

        assertEquals(0, flushesDuringTheRun, "written, not flushed, while the run goes on");
        assertEquals(1, aliceFlushes.get(), "one flush after the run");
        assertEquals(1, bobFlushes.get());
        for (EmbeddedChannel channel : channels) {
            assertEquals(List.of("one", "two", "three"), written(channel));
        }
    }

    @Test
    void theSenderIsSkippedAndAChangeOfMembersFlushesTheEarlierOnesAtOnce() throws Exception {
        AtomicInteger aliceFlushes = new AtomicInteger();
        AtomicInteger bobFlushes = new AtomicInteger();
        ChatMember alice = member(aliceFlushes);
        ChatMember bob = member(bobFlushes);
        LoopMembers members = new LoopMembers(loop, BYTES);
        ByteBuf wire = Unpooled.copiedBuffer("hi", StandardCharsets.US_ASCII);
        loop.submit(() -> {
            members.write(new ChatMember[] {alice}, EVENT, wire, null);
            // Bob joined: the array changed, so alice's pending bytes are flushed before bob's run starts.
            members.write(new ChatMember[] {alice, bob}, EVENT, wire, alice);
            assertEquals(1, aliceFlushes.get());
        }).get(5, TimeUnit.SECONDS);
        loop.submit(() -> { }).get(5, TimeUnit.SECONDS);
        wire.release();

        assertEquals(2, aliceFlushes.get(), "the flush after the run includes alice, with nothing left to send");
        assertEquals(1, bobFlushes.get());
        assertEquals(List.of("hi"), written(channels.get(0)), "alice, the sender of the second, got the first only");
        assertEquals(List.of("hi"), written(channels.get(1)));
        assertEquals(0, wire.refCnt(), "every duplicate was released by whoever read it");
    }

    @Test
    void aRunBeyondTheHighWaterMarkIsFlushedAsItGoesSoContentAloneNeverCutsAReader() throws Exception {
        // 100 broadcasts of 4 KB in one run: 400 KB, twice the member's limit of queued bytes, for a member that
        // reads (the embedded transport takes whatever is flushed).
        ChatSettings settings = ChatSettings.DEFAULT.withPresenceLimit(10)
            .withSlowConsumerLimits(200 * 1024, Duration.ofSeconds(10));
        EmbeddedChannel channel = new EmbeddedChannel(new ConnectionHandler(Role.SERVER,
            settings.connectionConfig()));
        channel.config().setWriteBufferWaterMark(WebSocketServerConfig.DEFAULT_WRITE_BUFFER_WATER_MARK);
        channels.add(channel);
        WebSocketSubscriber subscriber = new WebSocketSubscriber(channel, settings);
        subscriber.joined(new JoinedRoom("r", "n", List.of(), true, ChatJson.presence(List.of("n"), 10)));
        ChatMember[] members = {new ChatMember(subscriber, "n")};
        LoopMembers group = new LoopMembers(loop, WebSocketSubscriber.TEXT_FRAMES);
        ChatEvent message = ChatJson.message("i", "r", "m", "x".repeat(4000), 0);
        ByteBuf wire = WebSocketSubscriber.TEXT_FRAMES.encode(channel.alloc(), message);
        loop.submit(() -> {
            for (int i = 0; i < 100; i++) {
                group.write(members, message, wire, null);
            }
        }).get(5, TimeUnit.SECONDS);
        loop.submit(() -> { }).get(5, TimeUnit.SECONDS);
        wire.release();
        assertTrue(channel.isOpen(), "not taken for a slow consumer");
        assertEquals(3 + 100, channel.outboundMessages().size(), "welcome, history, presence and every message");
    }
}
