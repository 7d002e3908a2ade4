package dev.nettyws.bench.micro;

import java.lang.management.ManagementFactory;

/**
 * Bytes allocated per opening handshake, counted rather than sampled: the thread's allocated bytes over a run of
 * {@link Handshakes#handshake} calls (the operation of {@link HandshakeBenchmark}) after a warm-up, ours and
 * websocketx in turns, a few rounds. JMH's {@code -prof gc} divides the allocation rate by the operation rate, which
 * swings by hundreds of bytes on a loaded machine; this count does not depend on load, only on what the JIT's escape
 * analysis removes in a run ({@code -XX:-DoEscapeAnalysis} makes it exact).
 *
 * <pre>{@code
 * java -Dio.netty.leakDetection.level=disabled -cp benchmarks/target/benchmarks.jar \
 *     dev.nettyws.bench.micro.HandshakeAllocation [handshakes per round, default 200000]
 * }</pre>
 *
 * <p>Runs on the calling thread.
 */
public final class HandshakeAllocation {
    private HandshakeAllocation() {
    }

    /** Prints bytes per handshake for each implementation, per round. */
    public static void main(String[] args) {
        int handshakes = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        InboundSink sink = new InboundSink(false);
        for (int round = 1; round <= 4; round++) {
            for (Impl impl : Impl.values()) {
                for (int i = 0; i < handshakes / 2; i++) {
                    Handshakes.handshake(impl, sink, null);
                }
                long before = threads.getThreadAllocatedBytes(thread);
                for (int i = 0; i < handshakes; i++) {
                    Handshakes.handshake(impl, sink, null);
                }
                long allocated = threads.getThreadAllocatedBytes(thread) - before;
                System.out.printf("round %d %-5s %,.1f B per handshake%n", round, impl,
                    allocated / (double) handshakes);
            }
        }
    }
}
