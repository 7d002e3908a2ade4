package dev.nettyws.client;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.nettyws.frame.BinaryFrame;
import dev.nettyws.frame.CloseFrame;
import dev.nettyws.frame.ContinuationFrame;
import dev.nettyws.frame.Frame;
import dev.nettyws.frame.PongFrame;
import dev.nettyws.frame.TextFrame;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The application handler of the client tests: joins data frames into {@link Message}s on its own (independently of
 * any aggregator), and queues them with pongs, close frames, user events, exceptions and the channel's end, in the
 * order they happen. Releases every frame. Runs on the channel's event loop; the test thread takes from the queue.
 */
final class Collector extends ChannelInboundHandlerAdapter {
    /** Upper bound of every wait. */
    static final long WAIT_SECONDS = 20;

    /** A whole data message. */
    static final class Message {
        final boolean text;
        final byte[] data;
        /** How many frames the message arrived in. */
        final int frames;

        Message(boolean text, byte[] data, int frames) {
            this.text = text;
            this.data = data;
            this.frames = frames;
        }

        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    /** A pong's payload. */
    static final class Pong {
        final byte[] data;

        Pong(byte[] data) {
            this.data = data;
        }
    }

    /** A close frame received. */
    static final class Close {
        final int code;
        final String reason;

        Close(int code, String reason) {
            this.code = code;
            this.reason = reason;
        }

        @Override
        public String toString() {
            return "Close(" + code + ", " + reason + ')';
        }
    }

    /** Queued when the channel becomes inactive. */
    static final String INACTIVE = "inactive";

    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private ByteArrayOutputStream partial;
    private boolean partialText;
    private int partialFrames;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof TextFrame || msg instanceof BinaryFrame) {
                partial = new ByteArrayOutputStream();
                partialText = msg instanceof TextFrame;
                partialFrames = 0;
                append((Frame) msg);
            } else if (msg instanceof ContinuationFrame) {
                append((Frame) msg);
            } else if (msg instanceof PongFrame) {
                events.add(new Pong(ByteBufUtil.getBytes(((PongFrame) msg).content())));
            } else if (msg instanceof CloseFrame) {
                CloseFrame close = (CloseFrame) msg;
                events.add(new Close(close.statusCode(), close.reasonText()));
            } else {
                events.add(msg);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void append(Frame frame) {
        partial.writeBytes(ByteBufUtil.getBytes(frame.content()));
        partialFrames++;
        if (frame.isFinal()) {
            events.add(new Message(partialText, partial.toByteArray(), partialFrames));
            partial = null;
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        events.add(evt);
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        events.add(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        events.add(INACTIVE);
        ctx.fireChannelInactive();
    }

    /** The next event, whatever it is; fails after {@value #WAIT_SECONDS} seconds. */
    Object next() throws InterruptedException {
        Object event = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(event, "nothing happened within " + WAIT_SECONDS + " s");
        return event;
    }

    /** The next event, which must be a {@code type}. */
    <T> T next(Class<T> type) throws InterruptedException {
        return assertInstanceOf(type, next());
    }

    /** Skips events until one of {@code type} arrives (bounded by the wait per event). */
    <T> T skipTo(Class<T> type) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            Object event = next();
            if (type.isInstance(event)) {
                return type.cast(event);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " among 100 events");
    }
}
