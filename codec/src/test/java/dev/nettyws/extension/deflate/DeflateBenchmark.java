package dev.nettyws.extension.deflate;

import dev.nettyws.frame.Frame;
import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.MemoryBudget;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.internal.deflate.DeflatePair;
import dev.nettyws.internal.deflate.PerMessageDeflateParameters;
import dev.nettyws.internal.deflate.PerMessageDeflater;
import dev.nettyws.internal.deflate.PerMessageInflater;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Figures for permessage-deflate, not a test: compression ratio and throughput on chat-like JSON messages (100-300
 * bytes) with and without context takeover, the compressed size of short messages (for the threshold), and the
 * memory a connection costs. Run from the repository root (about a minute):
 * <pre>
 * mvn -o -q -pl codec test-compile dependency:build-classpath -Dmdep.includeScope=test \
 *     -Dmdep.outputFile=target/test-classpath.txt
 * java -cp codec/target/test-classes:codec/target/classes:$(cat codec/target/test-classpath.txt) \
 *     dev.nettyws.extension.deflate.DeflateBenchmark
 * </pre>
 */
public final class DeflateBenchmark {
    private static final String[] WORDS = ("the a to and of is in it you that for on this with have are be at not was "
        + "hello anyone here tonight build deploy netty websocket server client message room lobby ok thanks lol yes "
        + "no maybe later working broken fixed merge review test green red coffee lunch meeting").split(" ");
    private static final String[] NICKS = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi",
        "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "zoe"};
    private static final String[] ROOMS = {"lobby", "dev", "random", "ops"};

    private DeflateBenchmark() {
    }

    /** Chat messages of about 100 to 300 bytes, seeded. */
    static List<String> chat(int count, long seed) {
        Random random = new Random(seed);
        List<String> messages = new ArrayList<>(count);
        long ts = 1_763_900_000_000L;
        for (int i = 0; i < count; i++) {
            StringBuilder text = new StringBuilder();
            int words = 4 + random.nextInt(30);
            for (int w = 0; w < words; w++) {
                text.append(w == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
            }
            ts += random.nextInt(5000);
            messages.add("{\"type\":\"message\",\"room\":\"" + ROOMS[random.nextInt(ROOMS.length)] + "\",\"nick\":\""
                + NICKS[random.nextInt(NICKS.length)] + "\",\"text\":\"" + text + "\",\"ts\":" + ts + "}");
        }
        return messages;
    }

    public static void main(String[] args) throws Exception {
        List<String> messages = chat(20_000, 1);
        long bytes = messages.stream().mapToLong(m -> m.getBytes(StandardCharsets.UTF_8).length).sum();
        System.out.printf("corpus: %d chat messages, %d bytes, %.0f bytes on average%n", messages.size(), bytes,
            (double) bytes / messages.size());
        for (int level : new int[] {1, 6}) {
            for (boolean noContextTakeover : new boolean[] {false, true}) {
                throughput(messages, bytes, level, noContextTakeover);
            }
        }
        thresholds(messages);
        memory();
    }

    private static void throughput(List<String> messages, long bytes, int level, boolean noContextTakeover) {
        long compressed = 0;
        double deflateSeconds = 0;
        double inflateSeconds = 0;
        for (int round = 0; round < 6; round++) {
            EmbeddedChannel sender = new EmbeddedChannel(new PerMessageDeflater(level, 15, noContextTakeover, 0,
                MemoryBudget.jvmDefault()));
            EmbeddedChannel receiver = new EmbeddedChannel(new PerMessageInflater(1 << 20, true, noContextTakeover,
                MemoryBudget.jvmDefault()));
            List<Frame> wire = new ArrayList<>(messages.size());
            long start = System.nanoTime();
            for (String message : messages) {
                sender.writeOutbound(TextFrame.of(ByteBufAllocator.DEFAULT, message));
                wire.add(sender.readOutbound());
            }
            long deflated = System.nanoTime();
            long size = 0;
            for (Frame frame : wire) {
                size += frame.content().readableBytes();
                receiver.writeInbound(frame);
                ((Frame) receiver.readInbound()).release();
            }
            long inflated = System.nanoTime();
            if (round >= 2) {
                deflateSeconds += (deflated - start) / 1e9;
                inflateSeconds += (inflated - deflated) / 1e9;
                compressed = size;
            }
            sender.finishAndReleaseAll();
            receiver.finishAndReleaseAll();
        }
        double mb = bytes * 4 / 1e6;
        System.out.printf("level %d, %-22s ratio %.3f (%d -> %d bytes), deflate %.1f MB/s, inflate %.1f MB/s, "
                + "%.0f messages/s deflated%n", level, noContextTakeover ? "no context takeover:" : "context takeover:",
            (double) compressed / bytes, bytes, compressed, mb / deflateSeconds, mb / inflateSeconds,
            messages.size() * 4 / deflateSeconds);
    }

    /** Average compressed size of the first {@code n} bytes of chat messages, for the threshold. */
    private static void thresholds(List<String> messages) {
        System.out.println("short messages (chat JSON cut to n bytes): average compressed payload");
        for (int n : new int[] {16, 32, 48, 64, 96, 128, 192, 256}) {
            long[] total = new long[2];
            for (int mode = 0; mode < 2; mode++) {
                boolean reset = mode == 1;
                EmbeddedChannel sender = new EmbeddedChannel(new PerMessageDeflater(6, 15, reset, 0,
                    MemoryBudget.jvmDefault()));
                for (String message : messages.subList(0, 2000)) {
                    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
                    byte[] cut = Arrays.copyOf(bytes, Math.min(n, bytes.length));
                    sender.writeOutbound(new TextFrame(true, 0, Unpooled.wrappedBuffer(cut)));
                    Frame out = sender.readOutbound();
                    total[mode] += out.content().readableBytes();
                    out.release();
                }
                sender.finishAndReleaseAll();
            }
            System.out.printf("  n=%3d: context takeover %.1f bytes, no context takeover %.1f bytes (sent as is "
                + "when not smaller)%n", n, total[0] / 2000.0, total[1] / 2000.0);
        }
    }

    /** Heap (after GC) and resident memory per connection with the deflate handlers, 1000 connections each. */
    private static void memory() throws Exception {
        System.out.println("memory per connection (1000 client-server pairs; one 200-byte message from the client "
            + "to the server unless idle: the client's deflater and the server's inflater):");
        Object[][] cases = {
            {"negotiated, idle", new PerMessageDeflateParameters(false, false, 0, 0), false},
            {"context takeover, 15-bit windows", new PerMessageDeflateParameters(false, false, 0, 0), true},
            {"context takeover, 10-bit windows (JZlib)", new PerMessageDeflateParameters(false, false, 10, 10), true},
            {"no context takeover", new PerMessageDeflateParameters(true, true, 0, 0), true},
        };
        for (Object[] c : cases) {
            PerMessageDeflateParameters agreed = (PerMessageDeflateParameters) c[1];
            boolean exchange = (Boolean) c[2];
            long heapBefore = heap();
            long rssBefore = rss();
            List<DeflatePair> pairs = new ArrayList<>();
            PerMessageDeflateConfig config = PerMessageDeflateConfig.builder().compressionThreshold(0).build();
            byte[] message = chat(1, 9).get(0).getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 1000; i++) {
                DeflatePair pair = new DeflatePair(agreed, config, config, FrameConfig.DEFAULT_MAX_MESSAGE_LENGTH);
                if (exchange) {
                    pair.clientToServer(new TextFrame(true, 0, Unpooled.wrappedBuffer(message)))
                        .forEach(Frame::release);
                }
                pairs.add(pair);
            }
            long heap = heap() - heapBefore;
            long rss = rss() - rssBefore;
            // One deflater and one inflater: what one endpoint that both sends and receives compressed messages holds.
            System.out.printf("  %-42s heap %6.1f KiB, resident %6.1f KiB per pair%n", c[0],
                heap / 1000 / 1024.0, rss / 1000 / 1024.0);
            pairs.forEach(DeflatePair::finish);
            pairs.clear();
        }
    }

    private static long heap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Resident set size from /proc (Linux), which includes zlib's native memory. */
    private static long rss() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return 0;
    }
}
