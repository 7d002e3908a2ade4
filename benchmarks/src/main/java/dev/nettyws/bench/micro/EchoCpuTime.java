package dev.nettyws.bench.micro;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * The load tool's echo without the kernel: a read of masked frames goes through a server pipeline (decoder, an echo
 * handler writing each data frame back with the void promise, flush on read complete, encoder) into the channel's
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

    /** Writes back every message it reads (data frames or plain buffers), flushes when the read is done. */
    @ChannelHandler.Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof dev.nettyws.frame.BinaryFrame || msg instanceof dev.nettyws.frame.TextFrame
                    || msg instanceof io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame
                    || msg instanceof io.netty.handler.codec.http.websocketx.TextWebSocketFrame
                    || msg instanceof ByteBuf) {
                ctx.write(msg, ctx.voidPromise());
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
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
        EmbeddedChannel ours = Decoders.channel(Impl.OURS, new Echo());
        EmbeddedChannel netty = Decoders.channel(Impl.NETTY, new Echo());
        EmbeddedChannel bytes = new EmbeddedChannel(new Echo());
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
