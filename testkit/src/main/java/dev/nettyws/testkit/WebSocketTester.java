package dev.nettyws.testkit;

import dev.nettyws.protocol.WebSocketClosedEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What both testers share: a pipeline on an {@link EmbeddedChannel} with a frozen clock, and the other endpoint of
 * the connection played by the test. The test sends frames as that endpoint would ({@code send...}), reads what the
 * pipeline wrote ({@code read...}, failing with a clear {@link AssertionError} when the next thing is not what was
 * expected), advances time for timeouts, and finally {@link #close()}s, which checks that every buffer allocated on
 * the channel was released.
 *
 * <p><b>Threads.</b> Not thread-safe; use it from the test's thread. EmbeddedChannel runs the handlers on that thread
 * during each call.
 *
 * <p><b>Buffers.</b> The channel's allocator tracks every buffer the pipeline allocates through {@code ctx.alloc()};
 * {@link #close()} fails if one is unreleased. Bytes the tester sends are allocated there too and belong to the
 * pipeline once sent. Everything the tester returns ({@link ReceivedFrame}, strings, arrays) is a copy: the test
 * releases nothing. Buffers a handler allocates elsewhere (for example {@code Unpooled}) are not tracked.
 */
public abstract class WebSocketTester implements AutoCloseable {
    private static final int MAX_MESSAGE_FRAMES = 1_000_000;

    private final EmbeddedChannel channel;
    private final TrackingAllocator allocator;
    private final FrameWriter writer;
    private final FrameReader reader;
    private final ByteBuf written = Unpooled.buffer();
    private final Deque<ReceivedFrame> deferred = new ArrayDeque<>();
    private final List<Object> events = new ArrayList<>();
    private boolean closed;
    private boolean peerReading = true;

    WebSocketTester(boolean masksFrames) {
        this.allocator = new TrackingAllocator();
        this.channel = new EmbeddedChannel() {
            @Override
            protected void doWrite(ChannelOutboundBuffer in) throws Exception {
                // A peer that does not read leaves flushed bytes in the outbound buffer, as a full TCP window does.
                if (peerReading) {
                    super.doWrite(in);
                }
            }
        };
        channel.config().setAllocator(allocator);
        channel.freezeTime();
        this.writer = new FrameWriter(masksFrames, 0x5eed);
        this.reader = new FrameReader(!masksFrames);
    }

    /** Adds, at the end of the pipeline, the handler that records the user events the application passes on. */
    final void addEventRecorder() {
        channel.pipeline().addLast("testkit-events", new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                events.add(evt);
                ReferenceCountUtil.release(evt);
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ReferenceCountUtil.release(msg);
                throw new AssertionError("a message reached the end of the pipeline unhandled: " + msg);
            }
        });
    }

    /** The channel, for assertions the kit does not offer (its pipeline, attributes, {@code isWritable()}). */
    public final EmbeddedChannel channel() {
        return channel;
    }

    // ---- sending as the peer ----

    /** Sends a text message in one frame. */
    public final void sendText(String text) {
        sendFrame(ReceivedFrame.TEXT, true, 0, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a binary message in one frame. */
    public final void sendBinary(byte[] data) {
        sendFrame(ReceivedFrame.BINARY, true, 0, data);
    }

    /**
     * Sends a text message fragmented (RFC 6455 §5.4): one frame per part, the first a text frame and the others
     * continuations. Parts are encoded separately, so split only between characters (or use {@link #sendFrame}).
     */
    public final void sendTextFragments(String... parts) {
        byte[][] encoded = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            encoded[i] = parts[i].getBytes(StandardCharsets.UTF_8);
        }
        sendFragments(ReceivedFrame.TEXT, encoded);
    }

    /** Sends a binary message fragmented: one frame per part. */
    public final void sendBinaryFragments(byte[]... parts) {
        sendFragments(ReceivedFrame.BINARY, parts);
    }

    private void sendFragments(int opcode, byte[][] parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("a message needs at least one fragment");
        }
        for (int i = 0; i < parts.length; i++) {
            sendFrame(i == 0 ? opcode : ReceivedFrame.CONTINUATION, i == parts.length - 1, 0, parts[i]);
        }
    }

    /** Sends a ping with {@code payload} (at most 125 bytes for a valid one). */
    public final void sendPing(byte[] payload) {
        sendFrame(ReceivedFrame.PING, true, 0, payload);
    }

    /** Sends an unsolicited (or answering) pong. */
    public final void sendPong(byte[] payload) {
        sendFrame(ReceivedFrame.PONG, true, 0, payload);
    }

    /** Sends a close frame with {@code code} and {@code reason} (RFC 6455 §5.5.1). */
    public final void sendClose(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + text.length];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, text.length);
        sendFrame(ReceivedFrame.CLOSE, true, 0, payload);
    }

    /** Sends a close frame without a body (the pipeline then reports 1005). */
    public final void sendClose() {
        sendFrame(ReceivedFrame.CLOSE, true, 0, new byte[0]);
    }

    /**
     * Sends any frame, valid or not, masked as this tester's role requires: for protocol error tests (reserved bits,
     * opcodes, oversized control frames, broken fragmentation).
     *
     * @param opcode the 4-bit opcode
     * @param fin the FIN bit
     * @param rsv the RSV bits as in the first byte (0x40, 0x20, 0x10)
     * @param payload the unmasked payload
     */
    public final void sendFrame(int opcode, boolean fin, int rsv, byte[] payload) {
        deliver(writer.write(allocator, opcode, fin, rsv, payload));
    }

    /** Sends exact bytes, for tests of what no frame writer would produce (split headers, garbage). */
    public final void sendRaw(byte[] bytes) {
        deliver(allocator.buffer(bytes.length).writeBytes(bytes));
    }

    final void deliver(ByteBuf bytes) {
        if (!channel.isOpen()) {
            bytes.release();
            throw new AssertionError("cannot send: the channel is closed");
        }
        channel.writeInbound(bytes);
        channel.runPendingTasks();
    }

    // ---- reading what the pipeline wrote ----

    /** Moves everything the pipeline wrote (and flushed) into the tester's byte queue. */
    final ByteBuf drainWritten() {
        channel.runPendingTasks();
        for (Object msg; (msg = channel.readOutbound()) != null; ) {
            try {
                if (!(msg instanceof ByteBuf)) {
                    throw new AssertionError("the pipeline wrote a " + msg.getClass().getName()
                        + " to the transport instead of bytes (is the frame encoder missing?)");
                }
                written.writeBytes((ByteBuf) msg);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
        return written;
    }

    /** The next frame written that was not consumed yet, or null. */
    private ReceivedFrame nextFrame() {
        if (!deferred.isEmpty()) {
            return deferred.poll();
        }
        ByteBuf bytes = drainWritten();
        ReceivedFrame frame = reader.read(bytes);
        bytes.discardReadBytes();
        return frame;
    }

    /**
     * The next frame the pipeline wrote, whatever it is.
     *
     * @throws AssertionError if nothing (or only part of a frame) was written
     */
    public final ReceivedFrame readFrame() {
        ReceivedFrame frame = nextFrame();
        if (frame == null) {
            throw new AssertionError("expected a frame but " + (written.isReadable() ? "only "
                + written.readableBytes() + " bytes of one were written" : "nothing was written")
                + (channel.isOpen() ? "" : "; the channel is closed"));
        }
        return frame;
    }

    /**
     * The next message: a data frame and, when it is not final, its continuations joined. Control frames written
     * between the fragments are kept for the following reads, in order.
     *
     * @throws AssertionError if the next frame is not a data frame, or the fragments are broken
     */
    public final ReceivedFrame readMessage() {
        ReceivedFrame first = readFrame();
        if (first.opcode() != ReceivedFrame.TEXT && first.opcode() != ReceivedFrame.BINARY) {
            throw new AssertionError("expected a text or binary message but got " + first);
        }
        if (first.fin()) {
            return first;
        }
        List<ReceivedFrame> control = new ArrayList<>();
        List<byte[]> parts = new ArrayList<>();
        parts.add(first.payload());
        for (int i = 0; i < MAX_MESSAGE_FRAMES; i++) {
            ReceivedFrame next = readFrame();
            if (next.isControl()) {
                control.add(next);
                continue;
            }
            if (next.opcode() != ReceivedFrame.CONTINUATION) {
                throw new AssertionError("expected a continuation of the fragmented " + ReceivedFrame.name(
                    first.opcode()) + " message but got " + next + " (RFC 6455 §5.4)");
            }
            parts.add(next.payload());
            if (next.fin()) {
                for (int c = control.size() - 1; c >= 0; c--) {
                    deferred.addFirst(control.get(c));
                }
                return new ReceivedFrame(first.opcode(), true, first.rsv(), first.masked(), join(parts));
            }
        }
        throw new AssertionError("a message of more than " + MAX_MESSAGE_FRAMES + " fragments");
    }

    private static byte[] join(List<byte[]> parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        parts.forEach(all::writeBytes);
        return all.toByteArray();
    }

    /** The next message, which must be text; its text. */
    public final String readText() {
        ReceivedFrame message = readMessage();
        if (message.opcode() != ReceivedFrame.TEXT) {
            throw new AssertionError("expected a text message but got " + message);
        }
        return message.text();
    }

    /** The next message, which must be binary; its bytes. */
    public final byte[] readBinary() {
        ReceivedFrame message = readMessage();
        if (message.opcode() != ReceivedFrame.BINARY) {
            throw new AssertionError("expected a binary message but got " + message);
        }
        return message.payload();
    }

    /** The next frame, which must be a ping; its payload. */
    public final byte[] readPing() {
        return expect(ReceivedFrame.PING).payload();
    }

    /** The next frame, which must be a pong; its payload. */
    public final byte[] readPong() {
        return expect(ReceivedFrame.PONG).payload();
    }

    /**
     * The next frame, which must be a close frame; its code and reason.
     *
     * @throws AssertionError if it is not a close frame, or its body is malformed (one byte, or a reason that is not
     *     UTF-8)
     */
    public final CloseReceived readClose() {
        return CloseReceived.of(expect(ReceivedFrame.CLOSE));
    }

    private ReceivedFrame expect(int opcode) {
        ReceivedFrame frame = readFrame();
        if (frame.opcode() != opcode) {
            throw new AssertionError("expected a " + ReceivedFrame.name(opcode) + " frame but got " + frame);
        }
        return frame;
    }

    /** Fails if the pipeline wrote anything not read yet. */
    public final void assertNothingWritten() {
        ReceivedFrame frame = nextFrame();
        if (frame != null) {
            deferred.addFirst(frame);
            throw new AssertionError("expected nothing more to be written but got " + frame);
        }
        if (written.isReadable()) {
            throw new AssertionError("expected nothing more to be written but got " + written.readableBytes()
                + " bytes of an incomplete frame");
        }
    }

    /** Every byte written and not read yet as frames, for tests of the exact wire format. */
    public final byte[] readRaw() {
        if (!deferred.isEmpty()) {
            throw new IllegalStateException("frames were already parsed out of the written bytes");
        }
        ByteBuf bytes = drainWritten();
        byte[] raw = new byte[bytes.readableBytes()];
        bytes.readBytes(raw);
        bytes.discardReadBytes();
        return raw;
    }

    /**
     * Reads the close frame the pipeline sent, checks its code and reason, completes the close handshake as the
     * peer would (answering with the same code if the connection is still open, RFC 6455 §5.5.1) and checks that the
     * channel ends closed.
     *
     * @param code the expected status code
     * @param reason the expected reason, or null to accept any
     */
    public final void assertClosed(int code, String reason) {
        CloseReceived close = readClose();
        if (close.code() != code || reason != null && !reason.equals(close.reason())) {
            throw new AssertionError("expected close " + code + (reason == null ? "" : " \"" + reason + '"')
                + " but got " + close);
        }
        if (channel.isOpen()) {
            sendClose(close.code() == CloseReceived.NO_CODE ? 1000 : close.code(), "");
            finishCloseHandshake();
        }
        assertChannelClosed();
    }

    /** Checks the close code only; see {@link #assertClosed(int, String)}. */
    public final void assertClosed(int code) {
        assertClosed(code, null);
    }

    /** What the peer does after both close frames were exchanged (the server closes TCP, RFC 6455 §7.1.1). */
    abstract void finishCloseHandshake();

    /** Fails unless the channel is closed. */
    public final void assertChannelClosed() {
        channel.runPendingTasks();
        if (channel.isOpen()) {
            throw new AssertionError("expected the channel to be closed, but it is open");
        }
    }

    /** Fails unless the channel is open. */
    public final void assertChannelOpen() {
        channel.runPendingTasks();
        if (!channel.isOpen()) {
            throw new AssertionError("expected the channel to be open, but it is closed");
        }
    }

    /**
     * Ends the TCP connection from the peer's side without a close frame (a dropped connection): the pipeline sees
     * the channel become inactive and reports 1006.
     */
    public final void dropConnection() {
        channel.unsafe().close(channel.unsafe().voidPromise());
        channel.runPendingTasks();
    }

    /**
     * The peer stops reading, as a slow or stuck client whose TCP window is full: from now on what the pipeline
     * flushes stays queued in the channel's outbound buffer instead of reaching the tester, so the channel turns
     * unwritable past its high water mark and the pipeline's slow-consumer limits (pending bytes, write stall
     * timeout) apply. Reads find nothing new until {@link #resumeReading()}.
     */
    public final void stopReading() {
        peerReading = false;
    }

    /** The peer reads again: everything queued since {@link #stopReading()} is written, in order. */
    public final void resumeReading() {
        peerReading = true;
        if (channel.isOpen()) {
            channel.unsafe().flush();
        }
        channel.runPendingTasks();
    }

    // ---- time and events ----

    /** Advances the channel's frozen clock and runs the timers that fell due (idle, close, handshake timeouts). */
    public final void advanceTime(Duration duration) {
        channel.advanceTimeBy(duration.toNanos(), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
    }

    /** The user events that reached the end of the pipeline, in order (the application must pass them on). */
    public final List<Object> events() {
        return Collections.unmodifiableList(events);
    }

    /**
     * The {@link WebSocketClosedEvent} that reached the end of the pipeline.
     *
     * @throws AssertionError if none did (the connection is open, or the application does not pass user events on)
     */
    public final WebSocketClosedEvent closedEvent() {
        for (Object event : events) {
            if (event instanceof WebSocketClosedEvent) {
                return (WebSocketClosedEvent) event;
            }
        }
        throw new AssertionError("no WebSocketClosedEvent reached the end of the pipeline"
            + (channel.isOpen() ? " (the channel is open)" : " (does the application pass user events on?)"));
    }

    /**
     * Closes the channel if open, releases whatever is left in it, and checks that every buffer allocated on the
     * channel was released.
     *
     * @throws AssertionError if a buffer leaked
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        channel.finishAndReleaseAll();
        written.release();
        allocator.assertAllReleased();
    }
}
