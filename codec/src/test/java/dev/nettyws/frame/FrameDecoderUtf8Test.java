package dev.nettyws.frame;

import static dev.nettyws.frame.TestChannels.KEY;
import static dev.nettyws.frame.TestChannels.accept;
import static dev.nettyws.frame.TestChannels.assertFails;
import static dev.nettyws.frame.TestChannels.assertFailsOnLastRead;
import static dev.nettyws.frame.TestChannels.assertReleased;
import static dev.nettyws.frame.TestChannels.payload;
import static dev.nettyws.frame.TestChannels.readAll;
import static dev.nettyws.frame.TestChannels.releaseAll;
import static dev.nettyws.frame.TestChannels.server;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.Utf8Cases.Utf8Case;
import dev.nettyws.testsupport.FrameBytes;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * UTF-8 validation of text messages in the decoder (RFC 6455 §8.1, §5.6): the whole validity table in one frame,
 * split across the fragments of a message and across network reads, failing (1007) at the first byte after which
 * the message can no longer be valid, before the rest of the message arrives.
 */
class FrameDecoderUtf8Test {
    private static final String INVALID = "invalid UTF-8 in text message";
    private static final String TRUNCATED = "text message ends inside a UTF-8 sequence";

    private static String expectedReason(Utf8Case c) {
        return c.truncated() ? TRUNCATED : INVALID;
    }

    private static byte[] slice(byte[] bytes, int from, int to) {
        return Arrays.copyOfRange(bytes, from, to);
    }

    /** The payloads of the frames, concatenated. */
    private static byte[] joinedPayloads(List<Frame> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Frame frame : frames) {
            out.writeBytes(payload(frame));
        }
        return out.toByteArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.nettyws.frame.Utf8Cases#all")
    void section8_1_textMessageInOneFrame(Utf8Case c) {
        EmbeddedChannel ch = server();
        byte[] wire = FrameBytes.text(c.bytes()).mask(KEY).bytes();
        if (c.valid()) {
            accept(ch, wire);
            List<Frame> frames = readAll(ch);
            assertEquals(1, frames.size());
            assertInstanceOf(TextFrame.class, frames.get(0));
            assertArrayEquals(c.bytes(), payload(frames.get(0)));
            releaseAll(frames);
            assertFalse(ch.finishAndReleaseAll());
            assertReleased(frames);
        } else {
            ProtocolViolationException e = assertFails(ch, CloseStatus.INVALID_PAYLOAD_DATA, wire);
            assertEquals(expectedReason(c), e.getMessage());
            assertFalse(ch.finishAndReleaseAll(), "no frame of an invalid message may be delivered");
        }
    }

    /**
     * Three fragments split at every pair of boundaries {@code i <= j}: [0, i), [i, j), [j, n), each sent as its own
     * read, with a ping between the first two. The fragment holding byte {@code failAt} must fail the connection,
     * and the fragments before it must be delivered; a truncated message fails on its final fragment.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.nettyws.frame.Utf8Cases#all")
    void section8_1_splitAcrossFragmentsAtEveryBoundary(Utf8Case c) {
        byte[] bytes = c.bytes();
        int n = bytes.length;
        byte[] ping = FrameBytes.ping(FrameBytes.utf8("mid")).mask(KEY).bytes();
        for (int i = 0; i <= n; i++) {
            for (int j = i; j <= n; j++) {
                byte[][] fragments = {
                    FrameBytes.text(slice(bytes, 0, i)).fin(false).mask(KEY).bytes(),
                    FrameBytes.continuation(slice(bytes, i, j)).fin(false).mask(KEY + j).bytes(),
                    FrameBytes.continuation(slice(bytes, j, n)).mask(KEY + i).bytes()};
                int failing = c.valid() ? -1 : c.truncated() ? 2 : c.failAt() < i ? 0 : c.failAt() < j ? 1 : 2;
                String where = c + " split at " + i + "/" + j;
                EmbeddedChannel ch = server();
                for (int f = 0; f < 3; f++) {
                    if (f == failing) {
                        ProtocolViolationException e = assertFailsOnLastRead(ch, CloseStatus.INVALID_PAYLOAD_DATA,
                            fragments[f]);
                        assertEquals(expectedReason(c), e.getMessage(), where);
                        break;
                    }
                    accept(ch, fragments[f]);
                    if (f == 0) {
                        accept(ch, ping);
                    }
                }
                List<Frame> frames = readAll(ch);
                int expectedFrames = failing < 0 ? 4 : failing == 0 ? 0 : failing + 1;
                assertEquals(expectedFrames, frames.size(), where);
                List<Frame> data = new ArrayList<>(frames);
                data.removeIf(frame -> frame instanceof PingFrame);
                if (failing < 0) {
                    assertArrayEquals(bytes, joinedPayloads(data), where);
                }
                releaseAll(frames);
                assertFalse(ch.finishAndReleaseAll(), where);
                assertReleased(frames);
            }
        }
    }

    /**
     * One frame sent one byte per read: the read carrying payload byte {@code failAt} fails the connection, not a
     * later one; a truncated message fails on the read that completes the frame.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.nettyws.frame.Utf8Cases#all")
    void section8_1_failsOnTheReadCarryingTheFirstImpossibleByte(Utf8Case c) {
        byte[] wire = FrameBytes.text(c.bytes()).mask(KEY).bytes();
        int header = wire.length - c.bytes().length;
        int failingRead = c.valid() ? -1 : c.truncated() ? wire.length - 1 : header + c.failAt();
        EmbeddedChannel ch = server();
        for (int r = 0; r < wire.length; r++) {
            if (r == failingRead) {
                ProtocolViolationException e = assertFailsOnLastRead(ch, CloseStatus.INVALID_PAYLOAD_DATA,
                    slice(wire, r, r + 1));
                assertEquals(expectedReason(c), e.getMessage());
                break;
            }
            accept(ch, slice(wire, r, r + 1));
        }
        List<Frame> frames = readAll(ch);
        assertEquals(c.valid() ? 1 : 0, frames.size());
        if (c.valid()) {
            assertArrayEquals(c.bytes(), payload(frames.get(0)));
        }
        releaseAll(frames);
        assertFalse(ch.finishAndReleaseAll());
        assertReleased(frames);
    }

    /** One frame sent as two reads, split at every byte of the wire form. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.nettyws.frame.Utf8Cases#all")
    void section8_1_splitAcrossTwoNetworkReadsAtEveryByte(Utf8Case c) {
        byte[] wire = FrameBytes.text(c.bytes()).mask(KEY).bytes();
        int header = wire.length - c.bytes().length;
        for (int s = 1; s < wire.length; s++) {
            EmbeddedChannel ch = server();
            boolean failsOnFirst = !c.valid() && !c.truncated() && s > header + c.failAt();
            byte[] first = slice(wire, 0, s);
            byte[] second = slice(wire, s, wire.length);
            if (failsOnFirst) {
                assertFailsOnLastRead(ch, CloseStatus.INVALID_PAYLOAD_DATA, first);
            } else if (!c.valid()) {
                assertFailsOnLastRead(ch, CloseStatus.INVALID_PAYLOAD_DATA, first, second);
            } else {
                accept(ch, first);
                accept(ch, second);
            }
            List<Frame> frames = readAll(ch);
            assertEquals(c.valid() ? 1 : 0, frames.size(), "split at " + s);
            releaseAll(frames);
            assertFalse(ch.finishAndReleaseAll());
            assertReleased(frames);
        }
    }

    @Test
    void failFast_invalidSequenceInTheFirstHalfOfALargeTextFrameFailsBeforeTheRestArrives() {
        byte[] text = new byte[64 * 1024];
        Arrays.fill(text, (byte) 'a');
        text[1000] = (byte) 0xED;
        text[1001] = (byte) 0xA0;
        text[1002] = (byte) 0x80;
        byte[] wire = FrameBytes.text(text).mask(KEY).bytes();
        EmbeddedChannel ch = server();
        // Only the first half is ever sent.
        assertFails(ch, CloseStatus.INVALID_PAYLOAD_DATA, slice(wire, 0, wire.length / 2));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void failFast_invalidSequenceStraddlingTwoReadsFailsOnTheSecondBeforeTheRestArrives() {
        byte[] text = new byte[64 * 1024];
        Arrays.fill(text, (byte) 'a');
        text[20_000] = (byte) 0xF4;
        text[20_001] = (byte) 0x90;
        byte[] wire = FrameBytes.text(text).mask(KEY).bytes();
        int cut = wire.length - text.length + 20_001;
        EmbeddedChannel ch = server();
        assertFailsOnLastRead(ch, CloseStatus.INVALID_PAYLOAD_DATA, slice(wire, 0, cut), slice(wire, cut, cut + 100));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void failFast_invalidContinuationFrameFailsBeforeTheFinalFragment() {
        byte[] first = FrameBytes.text("valid so far ").fin(false).mask(KEY).bytes();
        byte[] second = FrameBytes.continuation(new byte[] {'o', 'k', (byte) 0xC0, (byte) 0x80}).fin(false)
            .mask(KEY).bytes();
        EmbeddedChannel ch = server();
        assertFailsOnLastRead(ch, CloseStatus.INVALID_PAYLOAD_DATA, first, second);
        List<Frame> frames = readAll(ch);
        assertEquals(1, frames.size());
        releaseAll(frames);
        assertFalse(ch.finishAndReleaseAll());
        assertReleased(frames);
    }

    private static final byte[] KOSME = FrameBytes.utf8("\u03ba\u1f79\u03c3\u03bc\u03b5");
    private static final byte[] BEYOND_U10FFFF = {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80};
    private static final byte[] EDITED = FrameBytes.utf8("edited");

    @Test
    void autobahn6_4_1_invalidSecondFragmentFailsBeforeTheThird() {
        EmbeddedChannel ch = server();
        accept(ch, FrameBytes.text(KOSME).fin(false).mask(KEY).bytes());
        assertFailsOnLastRead(ch, CloseStatus.INVALID_PAYLOAD_DATA,
            FrameBytes.continuation(BEYOND_U10FFFF).fin(false).mask(KEY).bytes());
        List<Frame> frames = readAll(ch);
        assertEquals(1, frames.size());
        releaseAll(frames);
        assertFalse(ch.finishAndReleaseAll());
        assertReleased(frames);
    }

    @Test
    void autobahn6_4_2_invalidSecondFragmentSplitInsideTheBadSequenceFailsOnTheSecond() {
        // Fragments: kosme + F4, then 90 80 80, then edited.
        EmbeddedChannel ch = server();
        accept(ch, FrameBytes.text(FrameBytes.concat(KOSME, slice(BEYOND_U10FFFF, 0, 1))).fin(false).mask(KEY)
            .bytes());
        assertFailsOnLastRead(ch, CloseStatus.INVALID_PAYLOAD_DATA,
            FrameBytes.continuation(slice(BEYOND_U10FFFF, 1, 4)).fin(false).mask(KEY).bytes());
        List<Frame> frames = readAll(ch);
        assertEquals(1, frames.size());
        releaseAll(frames);
        assertFalse(ch.finishAndReleaseAll());
        assertReleased(frames);
    }

    @Test
    void autobahn6_4_3_oneFrameInThreeChopsFailsOnTheSecondChop() {
        byte[] wire = FrameBytes.text(FrameBytes.concat(KOSME, BEYOND_U10FFFF, EDITED)).mask(KEY).bytes();
        int header = wire.length - KOSME.length - BEYOND_U10FFFF.length - EDITED.length;
        int firstChop = header + KOSME.length;
        int secondChop = firstChop + BEYOND_U10FFFF.length;
        assertFailsOnLastRead(server(), CloseStatus.INVALID_PAYLOAD_DATA, slice(wire, 0, firstChop),
            slice(wire, firstChop, secondChop));
    }

    @Test
    void autobahn6_4_4_oneFrameChoppedInsideTheBadSequenceFailsOnTheSecondByteOfIt() {
        byte[] wire = FrameBytes.text(FrameBytes.concat(KOSME, BEYOND_U10FFFF, EDITED)).mask(KEY).bytes();
        int header = wire.length - KOSME.length - BEYOND_U10FFFF.length - EDITED.length;
        int firstChop = header + KOSME.length + 1;
        assertFailsOnLastRead(server(), CloseStatus.INVALID_PAYLOAD_DATA, slice(wire, 0, firstChop),
            slice(wire, firstChop, firstChop + 1));
    }

    @Test
    void validationStateCarriesAcrossFragmentsNotAcrossMessages() {
        // A message ending inside a character fails even if the next message would "complete" it.
        EmbeddedChannel ch = server();
        ProtocolViolationException e = assertFails(ch, CloseStatus.INVALID_PAYLOAD_DATA,
            FrameBytes.text(new byte[] {(byte) 0xE2, (byte) 0x82}).mask(KEY).bytes(),
            FrameBytes.text(new byte[] {(byte) 0xAC}).mask(KEY).bytes());
        assertEquals(TRUNCATED, e.getMessage());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aNewTextMessageStartsValidationAfresh() {
        EmbeddedChannel ch = server();
        accept(ch, FrameBytes.text(new byte[] {(byte) 0xE2, (byte) 0x82, (byte) 0xAC}).mask(KEY).bytes(),
            FrameBytes.text(new byte[] {(byte) 0xE2}).fin(false).mask(KEY).bytes(),
            FrameBytes.continuation(new byte[] {(byte) 0x82, (byte) 0xAC}).mask(KEY).bytes());
        List<Frame> frames = readAll(ch);
        assertEquals(3, frames.size());
        assertTrue(frames.get(2).isFinal());
        releaseAll(frames);
        assertFalse(ch.finishAndReleaseAll());
        assertReleased(frames);
    }
}
