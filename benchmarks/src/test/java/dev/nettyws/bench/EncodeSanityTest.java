package dev.nettyws.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nettyws.bench.micro.Encoders;
import dev.nettyws.bench.micro.Impl;
import dev.nettyws.bench.micro.OutboundSink;
import dev.nettyws.bench.micro.Payloads;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The encoding comparison is honest: for every size of the suite, written twice through the reused pipelines
 * exactly as {@code EncodeBenchmark} does, our encoder and Netty's put the same bytes on the wire, and those are
 * the frame RFC 6455 §5.2 defines (compared with an independent writer). Masked frames use one fixed key on both
 * sides here, so the bytes can be compared (§5.3); the benchmark uses each side's random keys.
 */
class EncodeSanityTest {
    private static final int LEAK_TRACKED_SIZE = 16 * 1024;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void bothEncodersWriteTheSameBytesForEverySize(boolean masked) {
        for (int size : Payloads.SIZES) {
            byte[] payload = Payloads.payload(Payloads.Kind.BINARY, size);
            byte[] frame = Payloads.frame(Payloads.Kind.BINARY.opcode(), payload, masked);
            byte[] twice = new byte[2 * frame.length];
            System.arraycopy(frame, 0, twice, 0, frame.length);
            System.arraycopy(frame, 0, twice, frame.length, frame.length);

            assertArrayEquals(twice, encodeTwice(Impl.OURS, masked, payload), size + " B masked=" + masked
                + ", ours");
            assertArrayEquals(twice, encodeTwice(Impl.NETTY, masked, payload), size + " B masked=" + masked
                + ", Netty");
        }
    }

    private static byte[] encodeTwice(Impl impl, boolean masked, byte[] bytes) {
        OutboundSink sink = new OutboundSink(true);
        EmbeddedChannel channel = Encoders.channel(impl, masked, Payloads.MASKING_KEY, sink);
        if (bytes.length > LEAK_TRACKED_SIZE) {
            // Paranoid leak detection records a stack trace per buffer access: far too slow for 1 MiB. The smaller
            // sizes take the same code paths with leak tracking on.
            channel.config().setAllocator(new UnpooledByteBufAllocator(true, true));
        }
        ByteBuf payload = Encoders.payload(channel, bytes);
        try {
            Encoders.write(impl, channel, payload);
            Encoders.write(impl, channel, payload);
            assertEquals(1, payload.refCnt(), "the encoder released its duplicates");
            return sink.captured();
        } finally {
            payload.release();
            channel.finishAndReleaseAll();
        }
    }
}
