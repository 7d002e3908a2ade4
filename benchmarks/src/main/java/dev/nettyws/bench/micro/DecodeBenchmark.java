package dev.nettyws.bench.micro;

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
 * Decoding one masked client frame per operation, as a server (RFC 6455 §5.2, §5.3), with UTF-8 validation for
 * text (§8.1): ours ({@code FrameDecoder}) against Netty's {@code WebSocket13FrameDecoder} plus its
 * {@code Utf8FrameValidator}, in the same run.
 *
 * <p><b>Same input, same way.</b> Each implementation has its own {@code EmbeddedChannel}, built once per trial by
 * {@link Decoders#channel} and reused for every invocation. An invocation is {@link Decoders#feed}: the same wire
 * bytes (written by {@link Payloads#frame}, not by either codec) copied into a new direct buffer from the channel's
 * allocator, as a socket read would deliver them, then {@code channelRead} and {@code channelReadComplete} through
 * the pipeline; the same {@link InboundSink} counts and releases each frame. The copy into the input buffer is
 * the same for both, and part of every operation.
 *
 * <p>Single-threaded ({@code Scope.Thread}); JMH calls the methods on its benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DecodeBenchmark {
    /** Payload size in bytes. */
    @Param({"16", "128", "1024", "16384", "1048576"})
    public int size;

    /** What the frame carries. */
    @Param({"BINARY", "TEXT_ASCII", "TEXT_UTF8"})
    public Payloads.Kind kind;

    private byte[] wire;
    private InboundSink oursSink;
    private InboundSink nettySink;
    private EmbeddedChannel ours;
    private EmbeddedChannel netty;

    /** Builds the frame bytes and both pipelines. */
    @Setup
    public void setUp() {
        wire = Payloads.frame(kind.opcode(), Payloads.payload(kind, size), true);
        oursSink = new InboundSink(false);
        nettySink = new InboundSink(false);
        ours = Decoders.channel(Impl.OURS, oursSink);
        netty = Decoders.channel(Impl.NETTY, nettySink);
    }

    /** Closes both pipelines. */
    @TearDown
    public void tearDown() {
        ours.finishAndReleaseAll();
        netty.finishAndReleaseAll();
    }

    /** Ours: {@code FrameDecoder}. */
    @Benchmark
    public long ours() {
        Decoders.feed(ours, wire);
        return oursSink.bytes();
    }

    /** Netty: {@code WebSocket13FrameDecoder} and {@code Utf8FrameValidator}. */
    @Benchmark
    public long netty() {
        Decoders.feed(netty, wire);
        return nettySink.bytes();
    }
}
