package dev.nettyws.extension.deflate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.BinaryFrame;
import dev.nettyws.frame.ContinuationFrame;
import dev.nettyws.frame.Frame;
import dev.nettyws.frame.FrameEncoder;
import dev.nettyws.frame.PingFrame;
import dev.nettyws.frame.PongFrame;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.internal.deflate.DeflatePair;
import dev.nettyws.internal.deflate.PerMessageDeflateParameters;
import dev.nettyws.internal.deflate.PerMessageDeflater;
import dev.nettyws.internal.deflate.PerMessageInflater;
import dev.nettyws.testsupport.WireFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Compression and decompression of whole messages (RFC 7692 §6, §7.2) between our own deflater and inflater. */
class DeflateRoundTripTest {
    private static final int[] SIZES = {0, 1, 63, 64, 200, 4096, 70_000};
    private static final PerMessageDeflateConfig COMPRESS_ALL = PerMessageDeflateConfig.builder()
        .compressionThreshold(0).build();

    static Stream<Arguments> everyCombination() {
        List<Arguments> all = new ArrayList<>();
        for (boolean serverNoContext : new boolean[] {false, true}) {
            for (boolean clientNoContext : new boolean[] {false, true}) {
                for (int serverBits : new int[] {8, 9, 12, 15}) {
                    for (int clientBits : new int[] {8, 11, 15}) {
                        all.add(Arguments.of(new PerMessageDeflateParameters(serverNoContext, clientNoContext,
                            serverBits, clientBits)));
                    }
                }
            }
        }
        return all.stream();
    }

    /** Text-like bytes with repetition (so that windows and context matter) mixed with random ones. */
    static byte[] content(int size, long seed) {
        Random random = new Random(seed);
        byte[] bytes = new byte[size];
        String words = "{\"type\":\"message\",\"room\":\"lobby\",\"nick\":\"alice\",\"text\":\"hello there\"} ";
        for (int i = 0; i < size; i++) {
            bytes[i] = random.nextInt(8) == 0 ? (byte) random.nextInt(256) : (byte) words.charAt(
                (i + random.nextInt(3)) % words.length());
        }
        return bytes;
    }

    @ParameterizedTest
    @MethodSource("everyCombination")
    void section7_2_everySizeRoundTripsBothWays(PerMessageDeflateParameters agreed) {
        DeflatePair pair = new DeflatePair(agreed, COMPRESS_ALL);
        try {
            for (int size : SIZES) {
                byte[] message = content(size, size);
                // Twice (and empty ones twice in a row), so that the second message can refer back to the first.
                for (int round = 0; round < 2; round++) {
                    assertRoundTrip(pair.clientToServer(binary(message)), message, size + " bytes to the server");
                    assertCompressedOnWire(pair.wire);
                    assertRoundTrip(pair.serverToClient(binary(message)), message, size + " bytes to the client");
                    assertCompressedOnWire(pair.wire);
                }
            }
        } finally {
            assertFalse(pair.finish());
        }
    }

    @ParameterizedTest
    @MethodSource("someCombinations")
    void section7_2_oneMebibyteMessagesRoundTripBothWays(PerMessageDeflateParameters agreed) {
        DeflatePair pair = new DeflatePair(agreed, COMPRESS_ALL);
        try {
            byte[] message = content(1 << 20, 11);
            assertRoundTrip(pair.clientToServer(binary(message)), message, "1 MiB to the server");
            assertRoundTrip(pair.serverToClient(binary(message)), message, "1 MiB to the client");
        } finally {
            assertFalse(pair.finish());
        }
    }

    @Test
    void section7_2_1_emptyMessageCompressesToOneByte() {
        DeflatePair pair = new DeflatePair(new PerMessageDeflateParameters(false, false, 0, 0), COMPRESS_ALL);
        try {
            for (int i = 0; i < 2; i++) {
                // The second time zlib has nothing to flush; the empty stored block is written by hand.
                assertRoundTrip(pair.clientToServer(new TextFrame("")), new byte[0], "empty " + i);
                assertEquals(Frame.RSV1, pair.wire.get(0).rsv());
                assertArrayEquals(new byte[] {0}, pair.wire.get(0).payload());
            }
        } finally {
            assertFalse(pair.finish());
        }
    }

    @Test
    void section7_2_3_2_contextTakeoverShrinksARepeatedMessage() {
        byte[] message = content(2000, 7);
        DeflatePair takeover = new DeflatePair(new PerMessageDeflateParameters(false, false, 0, 0), COMPRESS_ALL);
        DeflatePair reset = new DeflatePair(new PerMessageDeflateParameters(true, true, 0, 0), COMPRESS_ALL);
        try {
            int[] withTakeover = twoMessages(takeover, message);
            int[] withoutTakeover = twoMessages(reset, message);
            assertTrue(withTakeover[1] < withTakeover[0] / 10, "the repeat is mostly back references: "
                + withTakeover[1] + " bytes");
            assertEquals(withoutTakeover[0], withoutTakeover[1], "without takeover both compress alike");
            assertEquals(withTakeover[0], withoutTakeover[0]);
        } finally {
            assertFalse(takeover.finish());
            assertFalse(reset.finish());
        }
    }

    private static int[] twoMessages(DeflatePair pair, byte[] message) {
        int[] sizes = new int[2];
        for (int i = 0; i < 2; i++) {
            assertRoundTrip(pair.clientToServer(binary(message)), message, "message " + i);
            sizes[i] = pair.wire.get(0).payload().length;
        }
        return sizes;
    }

    @Test
    void thresholdLeavesShortMessagesUncompressed() {
        PerMessageDeflateConfig config = PerMessageDeflateConfig.builder().compressionThreshold(64).build();
        DeflatePair pair = new DeflatePair(new PerMessageDeflateParameters(false, false, 0, 0), config);
        try {
            byte[] shorter = content(63, 1);
            assertRoundTrip(pair.serverToClient(binary(shorter)), shorter, "63 bytes");
            assertEquals(0, pair.wire.get(0).rsv(), "below the threshold: RSV1 clear, sent as is");
            assertArrayEquals(shorter, pair.wire.get(0).payload());
            byte[] atThreshold = content(64, 1);
            assertRoundTrip(pair.serverToClient(binary(atThreshold)), atThreshold, "64 bytes");
            assertEquals(Frame.RSV1, pair.wire.get(0).rsv());
        } finally {
            assertFalse(pair.finish());
        }
    }

    @Test
    void bytesEncodedOnceGoOutUncompressedBetweenCompressedMessages() {
        DeflatePair pair = new DeflatePair(new PerMessageDeflateParameters(false, false, 0, 0), COMPRESS_ALL);
        try {
            byte[] message = content(500, 1);
            ByteBuf encodedOnce = FrameEncoder.encode(pair.server.alloc(), binary(message));
            List<Frame> read = pair.serverToClient(binary(message), encodedOnce, binary(message));
            assertEquals(List.of(Frame.RSV1, 0, Frame.RSV1), pair.wire.stream().map(WireFrame::rsv).toList(),
                "the broadcast bytes pass the deflater as they are; the context carries on around them");
            assertEquals(3, read.size());
            for (int i = 0; i < read.size(); i++) {
                assertRoundTrip(List.of(read.get(i)), message, "message " + i);
            }
        } finally {
            assertFalse(pair.finish());
        }
    }

    @Test
    void withoutContextTakeoverIncompressibleMessagesGoOutAsTheyAre() {
        DeflatePair pair = new DeflatePair(new PerMessageDeflateParameters(true, true, 0, 0), COMPRESS_ALL);
        try {
            byte[] random = new byte[1000];
            new Random(3).nextBytes(random);
            assertRoundTrip(pair.serverToClient(binary(random)), random, "random");
            assertEquals(0, pair.wire.get(0).rsv());
        } finally {
            assertFalse(pair.finish());
        }
    }

    /** One of each kind: JDK and JZlib compressors, shared and own inflaters. */
    static Stream<Arguments> someCombinations() {
        return Stream.of(Arguments.of(new PerMessageDeflateParameters(false, false, 0, 0)),
            Arguments.of(new PerMessageDeflateParameters(true, true, 0, 0)),
            Arguments.of(new PerMessageDeflateParameters(false, true, 8, 10)),
            Arguments.of(new PerMessageDeflateParameters(true, false, 12, 8)));
    }

    @ParameterizedTest
    @MethodSource("someCombinations")
    void section7_2_fragmentedMessagesWithInterleavedControlFrames(PerMessageDeflateParameters agreed) {
        DeflatePair pair = new DeflatePair(agreed, PerMessageDeflateConfig.DEFAULT);
        try {
            for (int round = 0; round < 2; round++) {
                String text = new String(content(30_000, round), StandardCharsets.ISO_8859_1)
                    + " \u00e9\u4e2d\ud83d\ude00";
                byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
                // Split inside the multi-byte characters at the end, too.
                int[] cuts = {0, 1, 10_000, 10_001, 29_999, utf8.length - 3, utf8.length};
                List<Frame> frames = new ArrayList<>();
                for (int i = 0; i + 1 < cuts.length; i++) {
                    ByteBuf part = Unpooled.wrappedBuffer(utf8, cuts[i], cuts[i + 1] - cuts[i]);
                    boolean fin = i + 2 == cuts.length;
                    frames.add(i == 0 ? new TextFrame(fin, 0, part) : new ContinuationFrame(fin, 0, part));
                    if (i == 2) {
                        frames.add(new PingFrame(Unpooled.wrappedBuffer(new byte[] {1, 2})));
                    }
                }
                List<Frame> read = pair.clientToServer(frames.toArray(new Frame[0]));
                assertEquals(Frame.RSV1, pair.wire.get(0).rsv(), "RSV1 on the first frame");
                for (WireFrame wire : pair.wire.subList(1, pair.wire.size())) {
                    assertEquals(0, wire.rsv(), "RSV1 only on the first frame (§6)");
                }
                assertInstanceOf(PingFrame.class, read.get(3), "the ping passes through in place");
                ByteBuf joined = Unpooled.buffer();
                for (Frame frame : read) {
                    if (!frame.isControl()) {
                        assertEquals(0, frame.rsv());
                        joined.writeBytes(frame.content());
                    }
                    frame.release();
                }
                assertEquals(text, joined.toString(StandardCharsets.UTF_8));
                joined.release();
                // And back, the server's answer to the ping, on the same connection.
                List<Frame> pong = pair.serverToClient(new PongFrame(Unpooled.wrappedBuffer(new byte[] {1, 2})));
                assertInstanceOf(PongFrame.class, pong.get(0));
                pong.get(0).release();
            }
        } finally {
            assertFalse(pair.finish());
        }
    }

    @Test
    void uncompressedMessagesPassThroughANegotiatedConnection() {
        DeflatePair pair = new DeflatePair(new PerMessageDeflateParameters(false, false, 0, 0),
            PerMessageDeflateConfig.builder().compressionThreshold(1_000_000).build());
        try {
            byte[] message = content(500, 1);
            assertRoundTrip(pair.clientToServer(binary(message)), message, "plain");
            assertEquals(0, pair.wire.get(0).rsv());
            PerMessageInflater inflater = pair.server.pipeline().get(PerMessageInflater.class);
            assertFalse(inflater.hasOwnInflater(), "no inflater before the first compressed message");
        } finally {
            assertFalse(pair.finish());
        }
    }

    @Test
    void zlibStateIsCreatedLazilyAndOnlyKeptForContextTakeover() {
        DeflatePair takeover = new DeflatePair(new PerMessageDeflateParameters(false, false, 0, 0), COMPRESS_ALL);
        DeflatePair reset = new DeflatePair(new PerMessageDeflateParameters(true, true, 0, 0), COMPRESS_ALL);
        try {
            PerMessageDeflater deflater = takeover.client.pipeline().get(PerMessageDeflater.class);
            PerMessageInflater inflater = takeover.server.pipeline().get(PerMessageInflater.class);
            assertFalse(deflater.hasOwnCompressor());
            assertFalse(inflater.hasOwnInflater());
            byte[] message = content(1000, 1);
            assertRoundTrip(takeover.clientToServer(binary(message)), message, "takeover");
            assertTrue(deflater.hasOwnCompressor());
            assertTrue(inflater.hasOwnInflater());

            assertRoundTrip(reset.clientToServer(binary(message)), message, "reset");
            assertFalse(reset.client.pipeline().get(PerMessageDeflater.class).hasOwnCompressor());
            assertFalse(reset.server.pipeline().get(PerMessageInflater.class).hasOwnInflater());
        } finally {
            assertFalse(takeover.finish());
            assertFalse(reset.finish());
        }
    }

    private static BinaryFrame binary(byte[] bytes) {
        return new BinaryFrame(true, 0, Unpooled.wrappedBuffer(bytes));
    }

    private static void assertCompressedOnWire(List<WireFrame> wire) {
        assertEquals(1, wire.size());
        assertTrue(wire.get(0).fin());
    }

    /** Exactly one whole message with these bytes, RSV clear; released. */
    private static void assertRoundTrip(List<Frame> read, byte[] expected, String what) {
        try {
            assertEquals(1, read.size(), what);
            Frame frame = read.get(0);
            assertTrue(frame.isFinal(), what);
            assertEquals(0, frame.rsv(), what);
            byte[] actual = new byte[frame.content().readableBytes()];
            frame.content().getBytes(frame.content().readerIndex(), actual);
            assertArrayEquals(expected, actual, what);
        } finally {
            for (Frame frame : read) {
                frame.release();
            }
        }
    }
}
