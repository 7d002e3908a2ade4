package dev.nettyws.bench.micro;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Encoding one binary frame per operation (RFC 6455 §5.2): unmasked as a server writes, or masked as a client
 * must (§5.3): ours ({@code FrameEncoder}) against Netty's {@code WebSocket13FrameEncoder}, in the same run.
 *
 * <p><b>Same input, same way.</b> Each implementation has its own {@code EmbeddedChannel}, built once per trial by
 * {@link Encoders#channel} and reused. An invocation is {@link Encoders#write}: a retained duplicate of the same
 * direct payload buffer in the implementation's binary frame, written through the pipeline with the void promise
 * and flushed; the same {@link OutboundSink} stands in for the transport and releases what the encoder produced.
 * Masking keys come from each implementation's default source: ours a per-thread AES-CTR keystream keyed from
 * {@code SecureRandom}, Netty's {@code ThreadLocalRandom}.
 *
 * <p>Single-threaded ({@code Scope.Thread}); JMH calls the methods on its benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EncodeBenchmark {
    /** Payload size in bytes. */
    @Param({"16", "128", "1024", "16384", "1048576"})
    public int size;

    /** Whether frames are masked (client role) or not (server role). */
    @Param({"false", "true"})
    public boolean masked;

    private OutboundSink oursSink;
    private OutboundSink nettySink;
    private EmbeddedChannel ours;
    private EmbeddedChannel netty;
    private ByteBuf oursPayload;
    private ByteBuf nettyPayload;

    /** Builds both pipelines and their payload buffers. */
    @Setup
    public void setUp() {
        byte[] payload = Payloads.payload(Payloads.Kind.BINARY, size);
        oursSink = new OutboundSink(false);
        nettySink = new OutboundSink(false);
        ours = Encoders.channel(Impl.OURS, masked, null, oursSink);
        netty = Encoders.channel(Impl.NETTY, masked, null, nettySink);
        oursPayload = Encoders.payload(ours, payload);
        nettyPayload = Encoders.payload(netty, payload);
    }

    /** Releases the payloads and closes both pipelines. */
    @TearDown
    public void tearDown() {
        oursPayload.release();
        nettyPayload.release();
        ours.finishAndReleaseAll();
        netty.finishAndReleaseAll();
    }

    /** Ours: {@code FrameEncoder}. */
    @Benchmark
    public long ours() {
        Encoders.write(Impl.OURS, ours, oursPayload);
        return oursSink.bytes();
    }

    /** Netty: {@code WebSocket13FrameEncoder}. */
    @Benchmark
    public long netty() {
        Encoders.write(Impl.NETTY, netty, nettyPayload);
        return nettySink.bytes();
    }
}
