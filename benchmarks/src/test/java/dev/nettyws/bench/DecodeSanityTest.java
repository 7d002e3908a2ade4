package dev.nettyws.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nettyws.bench.micro.Decoders;
import dev.nettyws.bench.micro.Impl;
import dev.nettyws.bench.micro.InboundSink;
import dev.nettyws.bench.micro.Payloads;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The decoding comparison is honest: for every input of the suite, fed twice through the reused pipelines exactly
 * as {@code DecodeBenchmark} does, our decoder and Netty's emit the same frames (type and unmasked payload, RFC 6455
 * §5.3), and that payload is the one that was sent.
 */
class DecodeSanityTest {
    private static final int LEAK_TRACKED_SIZE = 16 * 1024;

    @ParameterizedTest
    @EnumSource(Payloads.Kind.class)
    void bothDecodersEmitTheSameFramesForEverySize(Payloads.Kind kind) {
        for (int size : Payloads.SIZES) {
            byte[] payload = Payloads.payload(kind, size);
            byte[] wire = Payloads.frame(kind.opcode(), payload, true);
            String expected = (kind.isText() ? "TextFrame:" : "BinaryFrame:") + ByteBufUtil.hexDump(payload);

            List<String> ours = decodeTwice(Impl.OURS, wire, size);
            List<String> netty = decodeTwice(Impl.NETTY, wire, size);

            assertEquals(List.of(expected, expected), ours, kind + " " + size + " B, ours");
            assertEquals(ours, netty, kind + " " + size + " B, ours vs Netty");
        }
    }

    private static List<String> decodeTwice(Impl impl, byte[] wire, int size) {
        InboundSink sink = new InboundSink(true);
        EmbeddedChannel channel = Decoders.channel(impl, sink);
        if (size > LEAK_TRACKED_SIZE) {
            // Paranoid leak detection records a stack trace per buffer access: minutes for a 1 MiB payload. The
            // smaller sizes take the same code paths with leak tracking on.
            channel.config().setAllocator(new UnpooledByteBufAllocator(true, true));
        }
        try {
            Decoders.feed(channel, wire);
            Decoders.feed(channel, wire);
            assertEquals(0, channel.outboundMessages().size(), "nothing written back (no close frame)");
            return new ArrayList<>(sink.captured());
        } finally {
            channel.finishAndReleaseAll();
        }
    }
}
