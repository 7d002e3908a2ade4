package dev.nettyws.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.nettyws.client.WebSocketClientConfig;
import dev.nettyws.frame.CloseFrame;
import dev.nettyws.frame.Frame;
import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.FrameDecoder;
import dev.nettyws.frame.FrameEncoder;
import dev.nettyws.frame.MemoryBudget;
import dev.nettyws.frame.Role;
import dev.nettyws.internal.Connection;
import dev.nettyws.internal.ConnectionHandler;
import dev.nettyws.server.WebSocketServerConfig;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Channels, a recorder of closed events, a peer's view of the wire, and a recording allocator for the tests. */
final class ProtocolTestSupport {
    /** A masking key for the frames a test client sends: the one of RFC 6455 §5.7. */
    static final int RFC_MASKING_KEY = 0x37fa213d;

    /** Default settings without an idle timeout, for tests that do not advance time to it. */
    static final ConnectionConfig NO_IDLE = ConnectionConfig.DEFAULT.toBuilder().idleTimeout(Duration.ZERO)
        .build();

    private ProtocolTestSupport() {
    }

    /**
     * An active channel with frozen time and then the handlers, so that timers they start count from a known time.
     */
    static EmbeddedChannel channel(ChannelHandler... handlers) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(handlers);
        return ch;
    }

    /**
     * A connection handler of {@code role} with {@code config} that joins fragmented messages of up to
     * {@code maxMessageLength} bytes, reserving from {@code budget}.
     */
    static ConnectionHandler aggregating(Role role, ConnectionConfig config, int maxMessageLength,
            MemoryBudget budget) {
        FrameConfig frames = frameConfig(role).toBuilder().maxMessageLength(Math.max(maxMessageLength,
            FrameConfig.DEFAULT_MAX_MESSAGE_LENGTH)).memoryBudget(budget).build();
        WebSocketConfig endpoint = role == Role.SERVER
            ? WebSocketServerConfig.builder().frames(frames).connection(config).aggregate(true)
                .maxAggregatedMessageLength(maxMessageLength).build()
            : WebSocketClientConfig.builder().frames(frames).connection(config).aggregate(true)
                .maxAggregatedMessageLength(maxMessageLength).build();
        return new ConnectionHandler(endpoint);
    }

    /**
     * Frames written straight into the connection handler (with its keepalive and write limits), events recorded
     * behind them; outbound frames stay objects, passing a stand-in for the encoder that reports close frames to the
     * connection state as the encoder does.
     */
    static EmbeddedChannel frames(Role role, ConnectionConfig config, ClosedEvents events) {
        List<ChannelHandler> handlers = new ArrayList<>(List.of(new FrameObjects(role),
            new ConnectionHandler(role, config)));
        handlers.add(events);
        return channel(handlers.toArray(new ChannelHandler[0]));
    }

    /**
     * The handlers of a switched pipeline around the full codec (encoder, decoder, connection handler with its
     * keepalive and write limits), events recorded behind them.
     */
    static EmbeddedChannel wire(Role role, ConnectionConfig config, ClosedEvents events) {
        FrameConfig frameConfig = frameConfig(role);
        List<ChannelHandler> handlers = new ArrayList<>();
        handlers.add(new FrameEncoder(frameConfig));
        handlers.add(new FrameDecoder(frameConfig));
        handlers.add(new ConnectionHandler(role, config));
        handlers.add(events);
        return channel(handlers.toArray(new ChannelHandler[0]));
    }

    /**
     * Stands in for the frame encoder where a test reads frames as objects: passes them on as they are, and reports
     * each close frame to the connection state, as {@link FrameEncoder} does.
     */
    static final class FrameObjects extends ChannelOutboundHandlerAdapter {
        private final Role role;
        private Connection connection;

        FrameObjects(Role role) {
            this.role = role;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            connection = Connection.of(ctx.channel(), role);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ctx.write(msg, msg instanceof CloseFrame ? connection.closeFrameWriting((CloseFrame) msg, promise)
                : promise);
        }
    }

    static FrameConfig frameConfig(Role role) {
        return (role == Role.SERVER ? FrameConfig.SERVER_DEFAULT : FrameConfig.CLIENT_DEFAULT).toBuilder()
            .maskingKeySource(() -> RFC_MASKING_KEY).build();
    }

    static Role peerOf(Role role) {
        return role == Role.SERVER ? Role.CLIENT : Role.SERVER;
    }

    /** The bytes the peer of {@code ourRole} sends for {@code frame} (masked when the peer is a client). */
    static ByteBuf bytesFromPeer(Role ourRole, Frame frame) {
        EmbeddedChannel encoder = new EmbeddedChannel(new FrameEncoder(frameConfig(peerOf(ourRole))));
        encoder.writeOutbound(frame);
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf part; (part = encoder.readOutbound()) != null;) {
            all.writeBytes(part);
            part.release();
        }
        encoder.finishAndReleaseAll();
        return all;
    }

    /**
     * Decodes everything {@code ch} has written, as its peer would: one outbound buffer at a time, with a fresh
     * decoder after every close frame (a decoder ignores what follows a close, and the tests want to see it).
     */
    static List<Frame> sentFrames(EmbeddedChannel ch, Role ourRole) {
        List<Frame> frames = new ArrayList<>();
        EmbeddedChannel decoder = null;
        for (Object out; (out = ch.readOutbound()) != null;) {
            if (decoder == null) {
                decoder = new EmbeddedChannel(new FrameDecoder(frameConfig(peerOf(ourRole))));
            }
            decoder.writeInbound(out);
            decoder.checkException();
            for (Frame frame; decoder != null && (frame = decoder.readInbound()) != null;) {
                frames.add(frame);
                if (frame instanceof CloseFrame) {
                    decoder.finishAndReleaseAll();
                    decoder = null;
                }
            }
        }
        if (decoder != null) {
            decoder.finishAndReleaseAll();
        }
        return frames;
    }

    /** Releases every frame of a list. */
    static void releaseAll(List<? extends Frame> frames) {
        for (Frame frame : frames) {
            frame.release();
        }
    }

    /** The next outbound message, which must be of the given type. */
    static <T> T nextOutbound(EmbeddedChannel ch, Class<T> type) {
        return assertInstanceOf(type, ch.readOutbound());
    }

    /** The TCP connection ends without passing the pipeline's close(): what the transport does on EOF or reset. */
    static void dropTcp(EmbeddedChannel ch) {
        ch.unsafe().close(ch.voidPromise());
        ch.runPendingTasks();
    }

    /** Advances the channel's frozen clock and runs what became due. */
    static void advance(EmbeddedChannel ch, long millis) {
        ch.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        ch.runPendingTasks();
    }

    static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    /** Records the {@link WebSocketClosedEvent}s that reach it, passes on everything else. */
    static final class ClosedEvents extends ChannelInboundHandlerAdapter {
        final List<WebSocketClosedEvent> events = new ArrayList<>();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof WebSocketClosedEvent) {
                events.add((WebSocketClosedEvent) evt);
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        /** The one event fired; fails unless exactly one was. */
        WebSocketClosedEvent single() {
            assertEquals(1, events.size(), "closed events: " + events);
            return events.get(0);
        }

        /** Asserts the single event's fields. */
        void assertClosed(int code, String reason, boolean remote, boolean clean) {
            WebSocketClosedEvent event = single();
            assertEquals(code, event.statusCode(), event::toString);
            assertEquals(reason, event.reason(), event::toString);
            assertEquals(remote, event.remote(), event::toString);
            assertEquals(clean, event.clean(), event::toString);
        }
    }

    /** An unpooled heap allocator that remembers every buffer it hands out, so tests can check they were freed. */
    static final class RecordingAllocator extends AbstractByteBufAllocator {
        final List<ByteBuf> allocated = new ArrayList<>();
        private final UnpooledByteBufAllocator delegate;

        /**
         * Creates an allocator.
         *
         * @param leakDetection whether its buffers are tracked by the leak detector (slow with millions of writes)
         */
        RecordingAllocator(boolean leakDetection) {
            super(false);
            this.delegate = new UnpooledByteBufAllocator(false, !leakDetection);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            ByteBuf buf = delegate.heapBuffer(initialCapacity, maxCapacity);
            allocated.add(buf);
            return buf;
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            ByteBuf buf = delegate.directBuffer(initialCapacity, maxCapacity);
            allocated.add(buf);
            return buf;
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }

        /** Asserts that every buffer handed out has been released. */
        void assertAllReleased() {
            for (ByteBuf buf : allocated) {
                assertEquals(0, buf.refCnt(), "buffer not released: " + buf);
            }
        }
    }
}
