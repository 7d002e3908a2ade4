package dev.nettyws.frame;

import com.sun.management.ThreadMXBean;
import dev.nettyws.testsupport.FrameBytes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.util.ReferenceCountUtil;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A quick decode throughput and allocation figure, not a test: server-role decoding of masked 1 KiB frames by our
 * {@link FrameDecoder} and by Netty's {@code WebSocket13FrameDecoder}, fed identical bytes in the same way. Each read
 * is 64 frames in a pooled direct buffer, as a transport read would be, prepared before the clock starts; a sink
 * releases the frames. Reports frames per second and heap bytes allocated per frame on the decoding thread
 * ({@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}; pooled buffer memory is not heap allocation and
 * is not counted). Each decoder runs in its own JVM so that neither's JIT profile affects the other. The binary
 * case compares the decoders alone; in the text case our decoder validates UTF-8 and Netty's is followed by its
 * {@code Utf8FrameValidator}, as Netty's server protocol handler installs it.
 *
 * <p>Run from the repository root (about a minute):
 * <pre>
 * mvn -o -q -pl codec test-compile dependency:build-classpath -Dmdep.includeScope=test \
 *     -Dmdep.outputFile=target/test-classpath.txt
 * java -cp codec/target/test-classes:codec/target/classes:$(cat codec/target/test-classpath.txt) \
 *     dev.nettyws.frame.DecodeThroughput
 * </pre>
 */
final class DecodeThroughput {
    private static final int FRAME_PAYLOAD = 1024;
    private static final int FRAMES_PER_READ = 64;
    private static final int READS_PER_BATCH = 128;
    private static final long WARMUP_NANOS = 3_000_000_000L;
    private static final long ROUND_NANOS = 1_000_000_000L;
    private static final int ROUNDS = 5;

    private DecodeThroughput() {
    }

    /** Counts and releases what the decoder emits. */
    private static final class Sink extends ChannelInboundHandlerAdapter {
        long frames;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            frames++;
            ReferenceCountUtil.release(msg);
        }
    }

    /** Frames per second and heap bytes per frame of one round. */
    private record Result(double framesPerSecond, double bytesPerFrame) {
    }

    /**
     * Without arguments: runs every case, each decoder in a child JVM, and prints the comparison. With arguments
     * {@code binary|text ours|netty}: measures one case in this JVM and prints its median result.
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 2) {
            Result result = measure(args[0].equals("text"), args[1].equals("ours"));
            System.out.println(result.framesPerSecond() + " " + result.bytesPerFrame());
            return;
        }
        System.out.printf("%d masked frames of %d bytes per read, %s %s, median of %d rounds of %d s%n",
            FRAMES_PER_READ, FRAME_PAYLOAD, System.getProperty("java.vm.name"), System.getProperty("java.version"),
            ROUNDS, ROUND_NANOS / 1_000_000_000L);
        for (String kind : new String[] {"binary", "text"}) {
            Result ours = fork(kind, "ours");
            Result netty = fork(kind, "netty");
            System.out.printf("%n%s%n", kind.equals("text") ? "text (ASCII), UTF-8 validated" : "binary");
            System.out.printf("  %-50s %,12.0f frames/s %7.1f B/frame%n", "nettyws FrameDecoder",
                ours.framesPerSecond(), ours.bytesPerFrame());
            System.out.printf("  %-50s %,12.0f frames/s %7.1f B/frame%n", kind.equals("text")
                ? "Netty WebSocket13FrameDecoder + Utf8FrameValidator" : "Netty WebSocket13FrameDecoder",
                netty.framesPerSecond(), netty.bytesPerFrame());
            System.out.printf("  ours/Netty: %.2fx frames/s, %.2fx B/frame%n",
                ours.framesPerSecond() / netty.framesPerSecond(), ours.bytesPerFrame() / netty.bytesPerFrame());
        }
    }

    private static Result fork(String kind, String subject) throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Dio.netty.leakDetection.level=disabled", "-cp", System.getProperty("java.class.path"),
            DecodeThroughput.class.getName(), kind, subject).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(kind + " " + subject + " failed:\n" + output);
        }
        String[] lines = output.split("\n");
        String[] numbers = lines[lines.length - 1].split(" ");
        return new Result(Double.parseDouble(numbers[0]), Double.parseDouble(numbers[1]));
    }

    private static ChannelHandler[] handlers(boolean text, boolean ours) {
        if (ours) {
            return new ChannelHandler[] {new FrameDecoder(FrameConfig.SERVER_DEFAULT)};
        }
        WebSocketDecoderConfig config = WebSocketDecoderConfig.newBuilder().expectMaskedFrames(true)
            .allowExtensions(false).maxFramePayloadLength(1 << 20).build();
        return text ? new ChannelHandler[] {new WebSocket13FrameDecoder(config), new Utf8FrameValidator()}
            : new ChannelHandler[] {new WebSocket13FrameDecoder(config)};
    }

    /** Masked frames as a client sends them: random keys, random payload (ASCII letters for text). */
    private static byte[] wire(boolean text) {
        Random random = new Random(1024);
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < FRAMES_PER_READ; i++) {
            byte[] payload = new byte[FRAME_PAYLOAD];
            random.nextBytes(payload);
            if (text) {
                for (int j = 0; j < payload.length; j++) {
                    payload[j] = (byte) ('a' + (payload[j] & 0x0F));
                }
            }
            frames.add(FrameBytes.frame(text ? 0x1 : 0x2).payload(payload).mask(random.nextInt()).bytes());
        }
        return FrameBytes.concat(frames.toArray(new byte[0][]));
    }

    private static Result measure(boolean text, boolean ours) {
        byte[] wire = wire(text);
        run(text, ours, wire, WARMUP_NANOS);
        Result[] results = new Result[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            results[round] = run(text, ours, wire, ROUND_NANOS);
        }
        double[] rates = Arrays.stream(results).mapToDouble(Result::framesPerSecond).sorted().toArray();
        double[] bytes = Arrays.stream(results).mapToDouble(Result::bytesPerFrame).sorted().toArray();
        return new Result(rates[ROUNDS / 2], bytes[ROUNDS / 2]);
    }

    private static Result run(boolean text, boolean ours, byte[] wire, long nanos) {
        Sink sink = new Sink();
        EmbeddedChannel ch = new EmbeddedChannel(handlers(text, ours));
        ch.pipeline().addLast(sink);
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        ByteBuf[] reads = new ByteBuf[READS_PER_BATCH];
        long decodeNanos = 0;
        long allocated = 0;
        while (decodeNanos < nanos) {
            for (int i = 0; i < reads.length; i++) {
                reads[i] = ByteBufAllocator.DEFAULT.directBuffer(wire.length).writeBytes(wire);
            }
            long allocatedBefore = threads.getThreadAllocatedBytes(thread);
            long start = System.nanoTime();
            for (ByteBuf read : reads) {
                ch.pipeline().fireChannelRead(read);
                ch.pipeline().fireChannelReadComplete();
            }
            decodeNanos += System.nanoTime() - start;
            allocated += threads.getThreadAllocatedBytes(thread) - allocatedBefore;
        }
        if (sink.frames % FRAMES_PER_READ != 0) {
            throw new IllegalStateException("lost frames: " + sink.frames);
        }
        ch.finishAndReleaseAll();
        return new Result(sink.frames * 1e9 / decodeNanos, (double) allocated / sink.frames);
    }
}
