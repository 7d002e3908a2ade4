package dev.nettyws.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.Utf8Cases.Utf8Case;
import dev.nettyws.internal.Utf8Validator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.IllegalReferenceCountException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The incremental UTF-8 automaton (RFC 3629, RFC 6455 §8.1) on its own: the validity table, fail-fast positions,
 * splits, and exhaustive agreement with the JDK's strict decoder.
 */
class Utf8ValidatorTest {
    private static final byte[] COMPLETION_BYTES = {(byte) 0x80, (byte) 0x90, (byte) 0xA0};

    private final CharsetDecoder jdk = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final CharBuffer chars = CharBuffer.allocate(64);

    /** The JDK's verdict on a whole input. */
    private boolean jdkValid(byte[] bytes, int length) {
        jdk.reset();
        chars.clear();
        ByteBuffer in = ByteBuffer.wrap(bytes, 0, length);
        return !jdk.decode(in, chars, true).isError() && !jdk.flush(chars).isError();
    }

    /**
     * Whether some continuation makes {@code bytes[0..length)} valid, by the JDK. The second byte of a sequence is
     * the only one with a restricted range (80-8F, 90-9F or A0-BF, RFC 3629 §4), so trying 80, 90 and A0 for each
     * of at most three missing bytes covers every case.
     */
    private boolean jdkValidPrefix(byte[] bytes, int length) {
        byte[] extended = Arrays.copyOf(bytes, length + 3);
        return completes(extended, length, 0);
    }

    private boolean completes(byte[] extended, int length, int added) {
        if (jdkValid(extended, length + added)) {
            return true;
        }
        if (added == 3) {
            return false;
        }
        for (byte b : COMPLETION_BYTES) {
            extended[length + added] = b;
            if (completes(extended, length, added + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Feeds one byte at a time; returns the index at which the automaton rejected, or -1. */
    private static int rejectIndex(byte[] bytes) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        int state = Utf8Validator.ACCEPT;
        for (int i = 0; i < bytes.length; i++) {
            state = Utf8Validator.update(state, buf, i, 1);
            if (state == Utf8Validator.REJECT) {
                return i;
            }
        }
        return -1;
    }

    private static int finalState(byte[] bytes) {
        return Utf8Validator.update(Utf8Validator.ACCEPT, Unpooled.wrappedBuffer(bytes), 0, bytes.length);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.nettyws.frame.Utf8Cases#all")
    void rfc3629_validityOfTheWholeInput(Utf8Case c) {
        assertEquals(c.valid(), Utf8Validator.isValid(Unpooled.wrappedBuffer(c.bytes()), 0, c.bytes().length));
        assertEquals(c.valid(), jdkValid(c.bytes(), c.bytes().length), "the table itself agrees with the JDK");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.nettyws.frame.Utf8Cases#all")
    void rfc6455_8_1_rejectsAtTheFirstByteNoContinuationCanMakeValid(Utf8Case c) {
        int expected = c.valid() || c.truncated() ? -1 : c.failAt();
        assertEquals(expected, rejectIndex(c.bytes()));
        int state = finalState(c.bytes());
        if (c.valid()) {
            assertEquals(Utf8Validator.ACCEPT, state);
        } else if (c.truncated()) {
            assertNotEquals(Utf8Validator.ACCEPT, state, "inside a character");
            assertNotEquals(Utf8Validator.REJECT, state, "a valid prefix");
        } else {
            assertEquals(Utf8Validator.REJECT, state);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.nettyws.frame.Utf8Cases#all")
    void splitAtEveryBoundaryGivesTheSameStateAsTheWhole(Utf8Case c) {
        byte[] bytes = c.bytes();
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        int whole = finalState(bytes);
        for (int k = 0; k <= bytes.length; k++) {
            int first = Utf8Validator.update(Utf8Validator.ACCEPT, buf, 0, k);
            boolean rejectedEarly = !c.valid() && !c.truncated() && c.failAt() < k;
            assertEquals(rejectedEarly, first == Utf8Validator.REJECT, "split at " + k);
            int both = first == Utf8Validator.REJECT ? first : Utf8Validator.update(first, buf, k, bytes.length - k);
            assertEquals(whole, both, "split at " + k);
        }
    }

    @Test
    void everyOneAndTwoByteSequenceAgreesWithTheJdk() {
        byte[] bytes = new byte[2];
        for (int b0 = 0; b0 < 256; b0++) {
            bytes[0] = (byte) b0;
            assertEquals(jdkValid(bytes, 1), Utf8Validator.isValid(Unpooled.wrappedBuffer(bytes), 0, 1), hex(bytes, 1));
            for (int b1 = 0; b1 < 256; b1++) {
                bytes[1] = (byte) b1;
                assertEquals(jdkValid(bytes, 2), Utf8Validator.isValid(Unpooled.wrappedBuffer(bytes), 0, 2),
                    hex(bytes, 2));
            }
        }
    }

    @Test
    void everyThreeByteSequenceWithAThreeByteLeadAgreesWithTheJdk() {
        byte[] bytes = new byte[3];
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        for (int b0 = 0xE0; b0 <= 0xEF; b0++) {
            for (int b1 = 0; b1 < 256; b1++) {
                for (int b2 = 0; b2 < 256; b2++) {
                    bytes[0] = (byte) b0;
                    bytes[1] = (byte) b1;
                    bytes[2] = (byte) b2;
                    if (jdkValid(bytes, 3) != Utf8Validator.isValid(buf, 0, 3)) {
                        assertEquals(jdkValid(bytes, 3), Utf8Validator.isValid(buf, 0, 3), hex(bytes, 3));
                    }
                }
            }
        }
    }

    @Test
    void fourByteSequencesAgreeWithTheJdk() {
        int[] tails = {0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF};
        byte[] bytes = new byte[4];
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        for (int b0 = 0xF0; b0 <= 0xFF; b0++) {
            for (int b1 = 0; b1 < 256; b1++) {
                for (int b2 : tails) {
                    for (int b3 : tails) {
                        bytes[0] = (byte) b0;
                        bytes[1] = (byte) b1;
                        bytes[2] = (byte) b2;
                        bytes[3] = (byte) b3;
                        assertEquals(jdkValid(bytes, 4), Utf8Validator.isValid(buf, 0, 4), hex(bytes, 4));
                    }
                }
            }
        }
    }

    @Test
    void randomInputRejectsExactlyWhereNoContinuationCanMakeItValid() {
        int[] interesting = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0,
            0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF};
        Random random = new Random(6455);
        for (int round = 0; round < 4000; round++) {
            byte[] bytes = new byte[1 + random.nextInt(10)];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) (random.nextBoolean() ? interesting[random.nextInt(interesting.length)]
                    : random.nextInt(256));
            }
            int expected = -1;
            for (int i = 0; i < bytes.length; i++) {
                if (!jdkValidPrefix(bytes, i + 1)) {
                    expected = i;
                    break;
                }
            }
            assertEquals(expected, rejectIndex(bytes), hex(bytes, bytes.length));
            assertEquals(jdkValid(bytes, bytes.length), finalState(bytes) == Utf8Validator.ACCEPT,
                hex(bytes, bytes.length));
        }
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void eightBytesAtATimeFindsAnInvalidByteAtEveryPositionAndAlignment(BufferKind kind) {
        for (int start = 0; start < 8; start++) {
            for (int position = 0; position < 40; position++) {
                byte[] text = new byte[48];
                Arrays.fill(text, (byte) 'a');
                text[position] = (byte) 0xFF;
                assertEquals(Utf8Validator.REJECT, updateAt(kind, start, text), "position " + position);
                text[position] = (byte) 0xC3;
                text[position + 1] = (byte) 0xA9;
                assertEquals(Utf8Validator.ACCEPT, updateAt(kind, start, text), "position " + position);
                byte[] cut = Arrays.copyOf(text, position + 1);
                int state = updateAt(kind, start, cut);
                assertTrue(state != Utf8Validator.ACCEPT && state != Utf8Validator.REJECT, "position " + position);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void everyKindOfBufferGivesTheStateOfTheByteByByteAutomaton(BufferKind kind) {
        // Short runs (0..17 bytes) at every start, mixing ASCII with sequences cut anywhere, against the reference:
        // the same automaton fed one byte at a time, which never takes the eight-byte paths.
        Random random = new Random(17);
        byte[] pieces = "a\u00e9\u20ac\ud83d\ude00z".getBytes(StandardCharsets.UTF_8);
        for (int round = 0; round < 400; round++) {
            int length = round % 18;
            int start = random.nextInt(9);
            byte[] text = new byte[length];
            for (int i = 0; i < length; i++) {
                text[i] = random.nextInt(4) == 0 ? (byte) random.nextInt(256) : pieces[random.nextInt(pieces.length)];
            }
            int expected = Utf8Validator.ACCEPT;
            ByteBuf single = Unpooled.wrappedBuffer(text);
            for (int i = 0; i < length; i++) {
                expected = Utf8Validator.update(expected, single, i, 1);
            }
            assertEquals(expected, updateAt(kind, start, text), "round " + round + ": " + hex(text, length));
        }
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void aRunPastTheCapacityOrAReleasedBufferIsRefused(BufferKind kind) {
        ByteBuf buf = kind.holding(new byte[16], 0);
        int capacity = buf.capacity();
        assertThrows(IndexOutOfBoundsException.class,
            () -> Utf8Validator.update(Utf8Validator.ACCEPT, buf, capacity - 8, 9));
        buf.release();
        assertThrows(IllegalReferenceCountException.class,
            () -> Utf8Validator.update(Utf8Validator.ACCEPT, buf, 0, 16));
    }

    /** Runs the validator over {@code text} placed at index {@code start} of a buffer of the given kind. */
    private static int updateAt(BufferKind kind, int start, byte[] text) {
        byte[] content = new byte[start + text.length];
        System.arraycopy(text, 0, content, start, text.length);
        ByteBuf buf = kind.holding(content, 0);
        try {
            return Utf8Validator.update(Utf8Validator.ACCEPT, buf, start, text.length);
        } finally {
            buf.release();
        }
    }

    @Test
    void rejectIsASinkState() {
        ByteBuf ascii = Unpooled.wrappedBuffer("abc".getBytes(StandardCharsets.US_ASCII));
        assertEquals(Utf8Validator.REJECT, Utf8Validator.update(Utf8Validator.REJECT, ascii, 0, 3));
    }

    private static String hex(byte[] bytes, int length) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < length; i++) {
            hex.append(String.format("%02x ", bytes[i] & 0xFF));
        }
        return hex.toString().trim();
    }
}
