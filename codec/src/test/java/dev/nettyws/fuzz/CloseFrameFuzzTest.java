package dev.nettyws.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.nettyws.frame.CloseFrame;
import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.FrameDecoder;
import dev.nettyws.frame.FrameEncoder;
import dev.nettyws.frame.PingFrame;
import dev.nettyws.frame.Role;
import dev.nettyws.internal.Connection;
import dev.nettyws.internal.ConnectionHandler;
import dev.nettyws.protocol.ConnectionConfig;
import dev.nettyws.protocol.WebSocketClosedEvent;
import dev.nettyws.testsupport.FrameBytes;
import dev.nettyws.testsupport.WireFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Coverage-guided fuzzing of close frame parsing (RFC 6455 §5.5.1, §7.4) against an oracle written from the RFC:
 * the input is the payload of a masked close frame a client sends, and the server's verdict must be exactly the
 * oracle's: an empty payload is answered with an empty close and reported as 1005; one byte, more than 125 bytes or
 * a code that may not be sent is 1002; a reason that is not UTF-8 is 1007; anything else is echoed with its code and
 * reported with its code and reason. The same payload also goes through the public {@link CloseFrame} API
 * (constructor, {@code replace}, {@code statusCode}, {@code reasonText}) and {@link PingFrame}'s length check.
 */
class CloseFrameFuzzTest {
    private static final int KEY = 0x0badcafe;

    @FuzzTest(maxDuration = "3s")
    void closePayload(byte[] payload) {
        decodeAsPeerClose(payload);
        publicApi(payload);
    }

    static void decodeAsPeerClose(byte[] payload) {
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
        EventRecorder recorder = new EventRecorder();
        FrameConfig frames = FrameConfig.SERVER_DEFAULT;
        FrameDecoder decoder = new FrameDecoder(frames);
        EmbeddedChannel channel = new EmbeddedChannel(new FrameEncoder(frames), decoder,
            new ConnectionHandler(Role.SERVER, ConnectionConfig.builder().idleTimeout(Duration.ZERO).build()),
            recorder);
        channel.config().setAllocator(alloc);
        byte[] wire = FrameBytes.frame(0x8).payload(payload).mask(KEY).bytes();
        ByteBuf in = alloc.heapBuffer(wire.length).writeBytes(wire);
        channel.writeInbound(in);
        List<WireFrame> sent = WireChecks.checkSentFrames(WireChecks.drainOutbound(channel), false);
        assertFalse(channel.isOpen(), "the server closes TCP after the close handshake or a violation");
        channel.finishAndReleaseAll();
        recorder.assertNothingEscaped();
        assertEquals(0, in.refCnt(), "the input was not released");
        assertEquals(0, alloc.metric().usedHeapMemory() + alloc.metric().usedDirectMemory(), "buffers leaked");

        assertEquals(1, sent.size(), "one close frame answers");
        WireFrame answer = sent.get(0);
        assertEquals(WireChecks.OPCODE_CLOSE, answer.opcode());
        assertEquals(1, recorder.closedEvents.size());
        WebSocketClosedEvent closed = recorder.closedEvents.get(0);

        Verdict expected = oracle(payload);
        if (expected.violation()) {
            assertTrue(Connection.find(channel).isFailed(), "the decoder failed the connection");
            assertEquals(expected.code(), answer.closeCode(), "the code of the violation");
            assertEquals(expected.code(), closed.statusCode());
        } else if (expected.code() == 1005) {
            assertEquals(0, answer.payload().length, "§5.5.1: an empty close is answered without a code");
            assertEquals(1005, closed.statusCode());
            assertTrue(closed.remote() && closed.clean(), closed::toString);
        } else {
            assertEquals(expected.code(), answer.closeCode(), "§5.5.1: the echo carries the peer's code");
            assertEquals(expected.code(), closed.statusCode());
            assertEquals(strictUtf8(payload, 2), closed.reason());
            assertTrue(closed.remote() && closed.clean(), closed::toString);
        }
    }

    /**
     * How a server must end for a close payload.
     *
     * @param violation whether the payload breaks a rule (the connection is failed with {@code code})
     * @param code the violation's code, or the peer's code (1005 when it sent none)
     */
    record Verdict(boolean violation, int code) {
    }

    /** The verdict for this close payload, straight from RFC 6455. */
    static Verdict oracle(byte[] payload) {
        if (payload.length == 0) {
            return new Verdict(false, 1005);
        }
        if (payload.length == 1 || payload.length > 125) {
            return new Verdict(true, 1002);
        }
        int code = (payload[0] & 0xFF) << 8 | payload[1] & 0xFF;
        if (!WireChecks.sendableCloseCode(code)) {
            return new Verdict(true, 1002);
        }
        return strictUtf8(payload, 2) == null ? new Verdict(true, 1007) : new Verdict(false, code);
    }

    static void publicApi(byte[] payload) {
        // Any payload can be wrapped (as the decoder does), and reading it never throws.
        CloseFrame wrapped = new CloseFrame().replace(Unpooled.wrappedBuffer(payload));
        try {
            int code = wrapped.statusCode();
            assertEquals(payload.length < 2 ? 1005 : (payload[0] & 0xFF) << 8 | payload[1] & 0xFF, code);
            wrapped.reasonText();
        } finally {
            wrapped.release();
        }

        // The public constructor builds only frames that may be sent.
        int code = payload.length < 2 ? 1000 : (payload[0] & 0xFF) << 8 | payload[1] & 0xFF;
        String reason = payload.length <= 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        int reasonBytes = reason.getBytes(StandardCharsets.UTF_8).length;
        if (!WireChecks.sendableCloseCode(code) || reasonBytes > CloseFrame.MAX_REASON_LENGTH) {
            assertThrows(IllegalArgumentException.class, () -> new CloseFrame(code, reason));
        } else {
            CloseFrame frame = new CloseFrame(code, reason);
            try {
                assertEquals(code, frame.statusCode());
                assertEquals(reason, frame.reasonText());
            } finally {
                frame.release();
            }
        }

        // §5.5: every control frame is limited to 125 bytes; a refused payload is released.
        ByteBuf ping = Unpooled.copiedBuffer(payload);
        if (payload.length > 125) {
            assertThrows(IllegalArgumentException.class, () -> new PingFrame(ping));
            assertEquals(0, ping.refCnt(), "a refused ping payload was not released");
        } else {
            new PingFrame(ping).release();
        }
    }

    /** The bytes from {@code offset} as strict UTF-8, or null when they are not valid UTF-8. */
    static String strictUtf8(byte[] bytes, int offset) {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return utf8.decode(ByteBuffer.wrap(bytes, offset, Math.max(0, bytes.length - offset))).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
