package dev.nettyws.bench.micro;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * The micro benchmarks' decode and encode operations timed by the benchmark thread's own CPU time rather than by
 * the wall clock, ours and Netty alternating in short blocks: on a machine that other work keeps busy, a thread
 * that is not running does not count, and both sides see the same interference. Prints CPU nanoseconds per
 * operation for each, and their ratio (Netty / ours: above 1 means ours is cheaper), as the median over rounds.
 * Same pipelines and the same {@link Decoders#feed} and {@link Encoders#write} as {@link DecodeBenchmark} and
 * {@link EncodeBenchmark}; it complements JMH's throughput and {@code -prof gc}, it does not replace them.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.nettyws.bench.micro.CpuTimeRatio [rounds [fixed-key]]}; with
 * {@code fixed-key} both encoders mask with one constant key, which leaves out the cost of each key source.
 * Single-threaded.
 */
public final class CpuTimeRatio {
    private static final int OPS_PER_BLOCK = 200_000;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CpuTimeRatio() {
    }

    /** One operation of one side. */
    private interface Op {
        void run();
    }

    /**
     * Runs the comparison.
     *
     * @param args optional number of measured rounds (default 15), then optionally {@code fixed-key}
     */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        System.out.println("| operation | size | ours ns/op (CPU) | Netty ns/op (CPU) | Netty / ours |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (int size : new int[] {16, 128, 1024, 16 * 1024}) {
            byte[] wire = Payloads.frame(Payloads.Kind.BINARY.opcode(), Payloads.payload(Payloads.Kind.BINARY, size),
                true);
            EmbeddedChannel ours = Decoders.channel(Impl.OURS, new InboundSink(false));
            EmbeddedChannel netty = Decoders.channel(Impl.NETTY, new InboundSink(false));
            compare("decode binary", size, rounds, () -> Decoders.feed(ours, wire), () -> Decoders.feed(netty, wire));
            ours.finishAndReleaseAll();
            netty.finishAndReleaseAll();
        }
        Integer fixedKey = args.length > 1 && args[1].equals("fixed-key") ? Payloads.MASKING_KEY : null;
        for (boolean masked : new boolean[] {true, false}) {
            for (int size : new int[] {16, 128, 1024}) {
                byte[] bytes = Payloads.payload(Payloads.Kind.BINARY, size);
                EmbeddedChannel ours = Encoders.channel(Impl.OURS, masked, fixedKey, new OutboundSink(false));
                EmbeddedChannel netty = Encoders.channel(Impl.NETTY, masked, fixedKey, new OutboundSink(false));
                ByteBuf oursPayload = Encoders.payload(ours, bytes);
                ByteBuf nettyPayload = Encoders.payload(netty, bytes);
                compare("encode masked=" + masked, size, rounds, () -> Encoders.write(Impl.OURS, ours, oursPayload),
                    () -> Encoders.write(Impl.NETTY, netty, nettyPayload));
                oursPayload.release();
                nettyPayload.release();
                ours.finishAndReleaseAll();
                netty.finishAndReleaseAll();
            }
        }
    }

    private static void compare(String name, int size, int rounds, Op ours, Op netty) {
        int ops = Math.max(2_000, OPS_PER_BLOCK / Math.max(1, size / 512));
        // Warm-up long enough that rarely taken paths (a key source's refill every 1024 frames) are compiled too.
        for (int i = 0; i < 50; i++) {
            block(ours, ops);
            block(netty, ops);
        }
        double[] oursNs = new double[rounds];
        double[] nettyNs = new double[rounds];
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            // Alternate which side goes first, so that neither always runs right after the other's garbage.
            if (r % 2 == 0) {
                oursNs[r] = block(ours, ops);
                nettyNs[r] = block(netty, ops);
            } else {
                nettyNs[r] = block(netty, ops);
                oursNs[r] = block(ours, ops);
            }
            ratios[r] = nettyNs[r] / oursNs[r];
        }
        System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.2fx |%n", name, size, median(oursNs),
            median(nettyNs), median(ratios));
    }

    /** CPU nanoseconds of this thread per operation over one block. */
    private static double block(Op op, int ops) {
        long start = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < ops; i++) {
            op.run();
        }
        return (THREADS.getCurrentThreadCpuTime() - start) / (double) ops;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
