package dev.nettyws.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.nettyws.client.WebSocketClientConfig;
import dev.nettyws.frame.Frame;
import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.FrameDecoder;
import dev.nettyws.frame.FrameEncoder;
import dev.nettyws.frame.MemoryBudget;
import dev.nettyws.frame.Role;
import dev.nettyws.internal.Connection;
import dev.nettyws.internal.ConnectionHandler;
import dev.nettyws.protocol.ConnectionConfig;
import dev.nettyws.protocol.WebSocketClosedEvent;
import dev.nettyws.protocol.WebSocketConfig;
import dev.nettyws.server.WebSocketServerConfig;
import dev.nettyws.testsupport.WireFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Coverage-guided fuzzing of the frame decoder behind the production composition (encoder, decoder, connection
 * handler, optional aggregator), in both roles, with and without an extension that allows RSV1.
 *
 * <p>Input: byte 0 chooses the configuration (bit 0 client role, bit 1 RSV1 allowed, bit 2 aggregation, bit 3 no
 * UTF-8 validation, bit 4 pongs forwarded), byte 1 the size of the reads, the rest is what the peer sends. Every
 * input is decoded twice, in one read and split into reads of that size, and both runs must agree (the decoder's
 * promise that any split gives the same frames). Each run must satisfy:
 * <ul>
 *   <li>no exception reaches the application;</li>
 *   <li>the bytes written back are well-formed frames, masked by role, with at most one close frame, whose code
 *       may be sent (RFC 6455 §7.4), and only pongs after it;</li>
 *   <li>after a violation the channel is closed at once, the close frame (unless one was already sent) carries the
 *       violation's code (1002, 1007 or 1009), and the application is told that code;</li>
 *   <li>once a close frame was sent, the close timer ends the connection;</li>
 *   <li>the application is told exactly once how the connection ended;</li>
 *   <li>nothing leaks: every buffer from the channel's allocator is released, the input included, and every byte
 *       reserved from the memory budget (no free allowance here, so every frame reserves) is returned.</li>
 * </ul>
 *
 * <p>{@code mvn verify} fuzzes this for a bounded time ({@code JAZZER_FUZZ=1}, see the codec pom); a plain test
 * run replays the seeds in {@code src/test/resources/dev/nettyws/fuzz/FrameDecoderFuzzTestInputs/decode}.
 */
class FrameDecoderFuzzTest {
    /** Small limits so that the fuzzer reaches them. */
    static final int MAX_FRAME = 64;
    static final int MAX_MESSAGE = 128;
    static final int MAX_AGGREGATED = 96;
    static final int MAX_FRAGMENTS = 8;

    private static final Set<Integer> VIOLATION_CODES = Set.of(1002, 1007, 1009);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);

    @FuzzTest(maxDuration = "10s")
    void decode(byte[] input) {
        if (input.length < 2) {
            return;
        }
        int options = input[0] & 0xFF;
        int readSize = (input[1] & 0xFF) % 17 + 1;
        byte[] wire = Arrays.copyOfRange(input, 2, input.length);
        Outcome whole = run(options, wire, wire.length + 1);
        Outcome split = run(options, wire, readSize);
        assertEquals(whole, split, "decoding in reads of " + readSize + " bytes differs from one read");
    }

    /** What one run produced, comparable across runs. */
    record Outcome(List<String> events, List<String> sent, boolean failed, boolean closeReceived) {
    }

    static Outcome run(int options, byte[] wire, int readSize) {
        // Every byte counted (no free allowance), and room for all: reservations must balance, whatever the input.
        MemoryBudget budget = MemoryBudget.of(1 << 20, 0);
        Role role = (options & 1) != 0 ? Role.CLIENT : Role.SERVER;
        FrameConfig frames = FrameConfig.builder()
            .role(role)
            .maxFramePayloadLength(MAX_FRAME)
            .maxMessageLength(MAX_MESSAGE)
            .maxFragmentsPerMessage(MAX_FRAGMENTS)
            .allowedRsvBits((options & 2) != 0 ? Frame.RSV1 : 0)
            .validateUtf8((options & 8) == 0)
            .maskingKeySource(() -> 0x12345678)
            .memoryBudget(budget)
            .build();
        ConnectionConfig connection = ConnectionConfig.builder()
            .idleTimeout(Duration.ZERO)
            .closeTimeout(CLOSE_TIMEOUT)
            .forwardPongs((options & 16) != 0)
            .build();
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
        EventRecorder recorder = new EventRecorder();
        FrameDecoder decoder = new FrameDecoder(frames);
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(alloc);
        channel.freezeTime();
        channel.pipeline().addLast(new FrameEncoder(frames), decoder, (options & 4) != 0
            ? new ConnectionHandler(aggregating(frames, connection)) : new ConnectionHandler(role, connection));
        channel.pipeline().addLast(recorder);

        List<ByteBuf> inputs = new ArrayList<>();
        List<byte[]> sentParts = new ArrayList<>();
        for (int at = 0; at < wire.length && channel.isOpen(); at += readSize) {
            int n = Math.min(readSize, wire.length - at);
            ByteBuf read = alloc.heapBuffer(n).writeBytes(wire, at, n);
            inputs.add(read);
            channel.writeInbound(read);
            sentParts.add(WireChecks.drainOutbound(channel));
        }
        boolean failed = Connection.find(channel).isFailed();
        boolean closeReceived = Connection.find(channel).isCloseFrameReceived();
        boolean activeAfterInput = channel.isActive();
        recorder.assertNothingEscaped();
        byte[] sentBeforeTimer = WireChecks.concat(sentParts);
        List<WireFrame> sent = WireChecks.checkSentFrames(sentBeforeTimer, role == Role.CLIENT);
        List<WireFrame> closes = WireChecks.closeFrames(sent);
        assertTrue(closes.size() <= 1, () -> "§5.5.1: more than one close frame sent: " + describeAll(sent));

        if (failed) {
            assertFalse(activeAfterInput, "§7.1.7: the connection stays open after a violation");
            assertEquals(1, recorder.closedEvents.size(), "closed events after a violation");
            int code = recorder.closedEvents.get(0).statusCode();
            assertTrue(VIOLATION_CODES.contains(code), () -> "violation reported with code " + code);
            assertEquals(1, closes.size(), "a violation sends a close frame, or one was sent before");
            int sentCode = closes.get(0).closeCode();
            // The aggregator's 1009 may have gone out before the violation; otherwise the close carries its code.
            boolean aggregatorClose = (options & 4) != 0 && sentCode == 1009;
            assertTrue(sentCode == code || aggregatorClose,
                () -> "close frame with " + sentCode + " after violation " + code);
        }

        // The application closes (a close handshake, unless one is under way); the peer says nothing more, so the
        // close timer must end the connection.
        channel.pipeline().close();
        channel.advanceTimeBy(CLOSE_TIMEOUT.toMillis() + 1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
        byte[] sentAfterTimer = WireChecks.drainOutbound(channel);
        assertFalse(channel.isOpen(), "the close timer did not close the connection");
        channel.finishAndReleaseAll();
        recorder.assertNothingEscaped();
        assertEquals(1, recorder.closedEvents.size(), () -> "closed events: " + recorder.closedEvents);
        WebSocketClosedEvent closed = recorder.closedEvents.get(0);
        if (!failed && !closeReceived) {
            assertEquals(1006, closed.statusCode(), "§7.1.5: no close frame received means 1006");
        }
        for (ByteBuf input : inputs) {
            assertEquals(0, input.refCnt(), "an input buffer was not released");
        }
        assertEquals(0, budget.used(), "memory budget reservations left after the channel closed");
        assertEquals(0, alloc.metric().usedHeapMemory(), "heap buffers leaked");
        assertEquals(0, alloc.metric().usedDirectMemory(), "direct buffers leaked");

        List<String> sentText = new ArrayList<>();
        for (WireFrame frame : WireChecks.checkSentFrames(WireChecks.concat(List.of(sentBeforeTimer, sentAfterTimer)),
            role == Role.CLIENT)) {
            sentText.add(WireChecks.describe(frame));
        }
        return new Outcome(recorder.events, sentText, failed, closeReceived);
    }

    /** The endpoint configuration of a connection handler that aggregates up to {@link #MAX_AGGREGATED}. */
    private static WebSocketConfig aggregating(FrameConfig frames, ConnectionConfig connection) {
        return frames.role() == Role.SERVER
            ? WebSocketServerConfig.builder().frames(frames).connection(connection).aggregate(true)
                .maxAggregatedMessageLength(MAX_AGGREGATED).build()
            : WebSocketClientConfig.builder().frames(frames).connection(connection).aggregate(true)
                .maxAggregatedMessageLength(MAX_AGGREGATED).build();
    }

    private static String describeAll(List<WireFrame> frames) {
        List<String> text = new ArrayList<>();
        frames.forEach(frame -> text.add(WireChecks.describe(frame)));
        return text.toString();
    }
}
