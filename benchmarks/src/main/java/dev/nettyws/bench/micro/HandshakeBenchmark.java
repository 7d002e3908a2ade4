package dev.nettyws.bench.micro;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Opening handshakes validated and answered per second (RFC 6455 §4.2): ours ({@code UpgradeHandler}) against
 * Netty's {@code WebSocketServerProtocolHandler} ({@code WebSocketServerHandshaker13}), in the same run.
 *
 * <p><b>Same input, same way.</b> Each operation is {@link Handshakes#handshake}: a new {@code EmbeddedChannel}
 * with {@code HttpServerCodec} and the implementation's handshake handler(s), the same request bytes in one read,
 * the response taken from the outbound queue and released, the channel finished. Channel creation and HTTP parsing
 * are part of both sides.
 *
 * <p>Single-threaded ({@code Scope.Thread}); JMH calls the methods on its benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HandshakeBenchmark {
    private final InboundSink sink = new InboundSink(false);

    /** Ours: {@code UpgradeHandler}. */
    @Benchmark
    public int ours() {
        return Handshakes.handshake(Impl.OURS, sink, null);
    }

    /** Netty: {@code WebSocketServerProtocolHandler}. */
    @Benchmark
    public int netty() {
        return Handshakes.handshake(Impl.NETTY, sink, null);
    }
}
