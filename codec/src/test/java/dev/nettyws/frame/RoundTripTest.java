package dev.nettyws.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Encoder to decoder (RFC 6455 §5): what one end writes, the other end reads back unchanged, for both roles, at the
 * length-encoding boundaries and up to the 1 MiB default limit, with seeded random payloads, masking keys,
 * fragmentation and network splits.
 */
class RoundTripTest {
    private static final int[] SIZES = {0, 1, 125, 126, 127, 65535, 65536, 1 << 20};

    /** The sending end: its encoder writes, and we collect what it wrote. */
    private static EmbeddedChannel sender(Role role, long seed) {
        FrameConfig config = FrameConfig.builder().role(role).maskingKeySource(MaskingKeySource.seeded(seed)).build();
        return new EmbeddedChannel(new FrameEncoder(config));
    }

    /** The receiving end, of the other role. */
    private static EmbeddedChannel receiver(Role senderRole) {
        return TestChannels.channel(senderRole == Role.CLIENT ? FrameConfig.SERVER_DEFAULT
            : FrameConfig.CLIENT_DEFAULT);
    }

    /** Random valid UTF-8 of exactly {@code length} bytes, with characters of every encoded length. */
    static byte[] randomUtf8(Random random, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(length);
        while (out.size() < length) {
            int room = Math.min(4, length - out.size());
            int bytes = 1 + random.nextInt(room);
            int codePoint;
            switch (bytes) {
                case 1:
                    codePoint = random.nextInt(0x80);
                    break;
                case 2:
                    codePoint = 0x80 + random.nextInt(0x800 - 0x80);
                    break;
                case 3:
                    do {
                        codePoint = 0x800 + random.nextInt(0x10000 - 0x800);
                    } while (codePoint >= 0xD800 && codePoint <= 0xDFFF);
                    break;
                default:
                    codePoint = 0x10000 + random.nextInt(0x110000 - 0x10000);
            }
            out.writeBytes(new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /**
     * Moves everything the sender wrote to the receiver, one read per buffer written, copied into a fresh heap buffer
     * as a network would. (Handing over the sender's pooled buffers would work too, but paranoid leak detection
     * records a stack trace on every access to them, which makes megabyte payloads slow to test.)
     */
    private static void transfer(EmbeddedChannel sender, EmbeddedChannel receiver) {
        for (ByteBuf buf; (buf = sender.readOutbound()) != null;) {
            ByteBuf copy = Unpooled.buffer(buf.readableBytes()).writeBytes(buf);
            buf.release();
            receiver.writeInbound(copy);
        }
    }

    static Stream<Arguments> rolesAndSizes() {
        List<Arguments> arguments = new ArrayList<>();
        for (Role role : Role.values()) {
            for (int size : SIZES) {
                arguments.add(Arguments.of(role, size));
            }
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0} sends {1} bytes")
    @MethodSource("rolesAndSizes")
    void section5_binaryAndTextFramesRoundTrip(Role role, int size) {
        Random random = new Random(size * 31L + role.ordinal());
        EmbeddedChannel sender = sender(role, size);
        EmbeddedChannel receiver = receiver(role);
        byte[] binary = randomBytes(random, size);
        byte[] text = randomUtf8(random, size);
        assertTrue(sender.writeOutbound(new BinaryFrame(Unpooled.wrappedBuffer(binary))));
        assertTrue(sender.writeOutbound(new TextFrame(Unpooled.wrappedBuffer(text))));
        transfer(sender, receiver);
        BinaryFrame binaryFrame = TestChannels.read(receiver, BinaryFrame.class);
        TextFrame textFrame = TestChannels.read(receiver, TextFrame.class);
        assertArrayEquals(binary, TestChannels.payload(binaryFrame));
        assertArrayEquals(text, TestChannels.payload(textFrame));
        assertTrue(binaryFrame.isFinal());
        assertTrue(textFrame.isFinal());
        binaryFrame.release();
        textFrame.release();
        assertNull(receiver.readInbound());
        assertFalse(sender.finishAndReleaseAll());
        assertFalse(receiver.finishAndReleaseAll());
        TestChannels.assertReleased(binaryFrame, textFrame);
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void section5_4_randomFragmentedConversationRoundTripsUnderRandomSplits(Role role) {
        for (long seed = 1; seed <= 5; seed++) {
            Random random = new Random(seed);
            EmbeddedChannel sender = sender(role, seed);
            List<String> sent = new ArrayList<>();
            for (int message = 0; message < 40; message++) {
                sendRandomMessage(random, sender, sent);
            }
            // The whole conversation as one stream, re-split at random into reads of heap or direct buffers.
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            for (ByteBuf buf; (buf = sender.readOutbound()) != null;) {
                byte[] bytes = new byte[buf.readableBytes()];
                buf.readBytes(bytes);
                buf.release();
                stream.writeBytes(bytes);
            }
            byte[] wire = stream.toByteArray();
            EmbeddedChannel receiver = receiver(role);
            List<String> received = new ArrayList<>();
            List<Frame> frames = new ArrayList<>();
            for (int offset = 0; offset < wire.length;) {
                int length = Math.min(wire.length - offset, random.nextBoolean() ? 1 + random.nextInt(8)
                    : 1 + random.nextInt(30_000));
                ByteBuf read = random.nextInt(8) == 0 ? ByteBufAllocator.DEFAULT.directBuffer(length)
                    : Unpooled.buffer(length);
                receiver.writeInbound(read.writeBytes(wire, offset, length));
                offset += length;
                for (Frame frame : TestChannels.readAll(receiver)) {
                    received.add(describe(frame));
                    frame.release();
                    frames.add(frame);
                }
            }
            assertEquals(sent, received, "seed " + seed);
            assertFalse(sender.finishAndReleaseAll());
            assertFalse(receiver.finishAndReleaseAll());
            TestChannels.assertReleased(frames);
        }
    }

    private static String describe(Frame frame) {
        return frame.opcode() + " " + frame.isFinal() + " " + Arrays.hashCode(TestChannels.payload(frame))
            + "/" + frame.content().readableBytes();
    }

    /** Writes one message, maybe fragmented, maybe with control frames between fragments; records what was sent. */
    private static void sendRandomMessage(Random random, EmbeddedChannel sender, List<String> sent) {
        int size = random.nextInt(5) == 0 ? SIZES[random.nextInt(SIZES.length - 1)] : random.nextInt(3000);
        boolean text = random.nextBoolean();
        byte[] payload = text ? randomUtf8(random, size) : randomBytes(random, size);
        int fragments = 1 + random.nextInt(4);
        int start = 0;
        for (int f = 0; f < fragments; f++) {
            boolean fin = f == fragments - 1;
            // Fragments of a text message may split a character: only the whole message must be UTF-8.
            int end = fin ? payload.length : start + random.nextInt(payload.length - start + 1);
            ByteBuf chunk = Unpooled.wrappedBuffer(Arrays.copyOfRange(payload, start, end));
            Frame frame = f > 0 ? new ContinuationFrame(fin, 0, chunk)
                : text ? new TextFrame(fin, 0, chunk) : new BinaryFrame(fin, 0, chunk);
            sent.add(describe(frame));
            sender.writeOutbound(frame);
            start = end;
            if (!fin && random.nextInt(3) == 0) {
                Frame control = random.nextBoolean()
                    ? new PingFrame(Unpooled.wrappedBuffer(randomBytes(random, random.nextInt(126))))
                    : new PongFrame(Unpooled.wrappedBuffer(randomBytes(random, random.nextInt(126))));
                sent.add(describe(control));
                sender.writeOutbound(control);
            }
        }
    }
}
