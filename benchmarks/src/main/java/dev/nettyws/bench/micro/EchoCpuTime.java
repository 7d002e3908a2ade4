package dev.nettyws.bench.micro;

import dev.nettyws.bench.load.EchoServer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * The load tool's echo without the kernel: a read of masked frames goes through a server pipeline (decoder, an echo
 * handler writing each data frame back with the void promise, flush on read complete, encoder: the load tool's
 * {@link EchoServer.Echo}) into the channel's
 * outbound buffer, timed by the thread's CPU time, for ours, Netty's websocketx ({@link Decoders#channel}) and the
 * unframed byte echo (the echo handler alone), blocks alternating. Prints CPU nanoseconds per message and the ratios
 * the load tool reports (ours / bytes as messages per CPU-second, websocketx / ours). On a busy machine it moves far
 * less than the load tool: use it to compare two builds of the codec, the load tool for the end-to-end figures.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.nettyws.bench.micro.EchoCpuTime [rounds [binary|text size frames]]}
 * (the last three pick one workload, e.g. to profile it). Single-threaded.
 */
public final class EchoCpuTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private EchoCpuTime() {
    }

    /**
     * Runs the comparison.
     *
     * @param args optional number of measured rounds (default 11), then optionally one workload: kind, size,
     *     frames per read
     */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 11;
        System.out.println("| workload | frames per read | ours ns/msg | websocketx ns/msg | bytes ns/msg "
            + "| ours / bytes | ours / websocketx |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        boolean single = args.length > 3;
        for (Payloads.Kind kind : new Payloads.Kind[] {Payloads.Kind.BINARY, Payloads.Kind.TEXT_ASCII}) {
            for (int size : single ? new int[] {Integer.parseInt(args[2])} : new int[] {32, 1024}) {
                for (int frames : single ? new int[] {Integer.parseInt(args[3])} : new int[] {1, 8}) {
                    if (single && kind.isText() != args[1].equals("text")) {
                        continue;
                    }
                    byte[] one = Payloads.frame(kind.opcode(), Payloads.payload(kind, size), true);
                    byte[] wire = new byte[one.length * frames];
                    for (int i = 0; i < frames; i++) {
                        System.arraycopy(one, 0, wire, i * one.length, one.length);
                    }
                    compare((kind.isText() ? "text " : "binary ") + size + " B", frames, wire, rounds);
                }
            }
        }
    }

    private static void compare(String name, int frames, byte[] wire, int rounds) {
        EmbeddedChannel ours = Decoders.channel(Impl.OURS, EchoServer.Echo.OURS);
        EmbeddedChannel netty = Decoders.channel(Impl.NETTY, EchoServer.Echo.NETTY);
        EmbeddedChannel bytes = new EmbeddedChannel(EchoServer.Echo.ALL);
        int ops = Math.max(2_000, 100_000 / frames / Math.max(1, wire.length / 4096));
        for (int i = 0; i < 40; i++) {
            block(ours, wire, ops);
            block(netty, wire, ops);
            block(bytes, wire, ops);
        }
        double[] o = new double[rounds];
        double[] n = new double[rounds];
        double[] b = new double[rounds];
        double[] oursToBytes = new double[rounds];
        double[] oursToNetty = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            o[r] = block(ours, wire, ops) / frames;
            n[r] = block(netty, wire, ops) / frames;
            b[r] = block(bytes, wire, ops) / frames;
            oursToBytes[r] = b[r] / o[r];
            oursToNetty[r] = n[r] / o[r];
        }
        System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.2f | %.2fx |%n", name, frames, median(o),
            median(n), median(b), median(oursToBytes), median(oursToNetty));
        ours.finishAndReleaseAll();
        netty.finishAndReleaseAll();
        bytes.finishAndReleaseAll();
    }

    /** CPU nanoseconds of this thread per read over one block; each read's output is taken and released. */
    private static double block(EmbeddedChannel channel, byte[] wire, int ops) {
        long start = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < ops; i++) {
            Decoders.feed(channel, wire);
            for (Object out; (out = channel.outboundMessages().poll()) != null;) {
                ReferenceCountUtil.release(out);
            }
        }
        return (THREADS.getCurrentThreadCpuTime() - start) / (double) ops;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
