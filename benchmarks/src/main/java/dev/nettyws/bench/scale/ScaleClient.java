package dev.nettyws.bench.scale;

import dev.nettyws.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One client process of a distributed scale run ({@link ClusterRun}): holds its share of the room's members, all
 * from one source address, on one event loop, and answers the coordinator's commands, one per line on standard
 * input, with one line on standard output:
 *
 * <ul>
 *   <li>at start it prints {@code started}, opens its connections and prints {@code connected COUNT} (or
 *       {@code failed REASON} and exits);
 *   <li>{@code quiet S}: waits (at most 300 s) until no message arrived for S seconds, prints {@code quiet};
 *   <li>{@code await SEQ}: waits (at most 180 s) until every connection saw SEQ, prints
 *       {@code reached SEQ COUNT LAST_ARRIVAL_MICROS};
 *   <li>{@code stats}: prints {@code stats DELIVERED OUT_OF_ORDER OTHER HISTOGRAM} (the timed messages' delivery
 *       latencies in microseconds, HdrHistogram's compressed encoding in Base64).
 * </ul>
 *
 * <p>The end of standard input (the coordinator closed it, or died) closes every connection and ends the process.
 */
@Command(name = "scale-client", description = "One client process of a distributed bench-scale run.")
public final class ScaleClient implements Callable<Integer> {
    @Option(names = "--bases", split = ",", required = true,
        description = "Node URIs ending in the nick's prefix; connection i goes to bases[i % size] with nick prefix+i.")
    List<URI> bases;

    @Option(names = "--first", required = true, description = "The global index of the first connection.")
    int first;

    @Option(names = "--count", required = true, description = "Connections to hold.")
    int count;

    @Option(names = "--source", required = true, description = "The source address of every connection.")
    String source;

    @Option(names = "--handshakes", defaultValue = "64", description = "Handshakes in flight while connecting.")
    int handshakes;

    @Option(names = "--timed", defaultValue = "0", description = "Sequence numbers 1..N whose latency is recorded.")
    int timed;

    /** Runs the client. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new ScaleClient()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        say("started");
        Receivers receivers = new Receivers(count, timed);
        EventLoopGroup group = Transport.AUTO.resolve().newEventLoopGroup(1, "scale-client");
        List<Channel> channels = new ArrayList<>();
        try {
            InetSocketAddress from = new InetSocketAddress(source, 0);
            try {
                channels = new Connector(group, handshakes).connect(bases, first, count, receivers, i -> from);
            } catch (IllegalStateException e) {
                say("failed " + e.getMessage());
                return 1;
            }
            say("connected " + count);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                answer(line.trim().split(" "), receivers);
            }
            return 0;
        } finally {
            Connector.closeAll(channels);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static void answer(String[] command, Receivers receivers) throws InterruptedException {
        switch (command[0]) {
            case "quiet" -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
                long quiet = TimeUnit.SECONDS.toNanos(Long.parseLong(command[1]));
                while (receivers.nanosSinceLastMessage() < quiet && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                say("quiet");
            }
            case "await" -> {
                long seq = Long.parseLong(command[1]);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
                while (receivers.reached(seq) < receivers.size() && System.nanoTime() < deadline) {
                    Thread.sleep(2);
                }
                say("reached " + seq + " " + receivers.reached(seq) + " " + receivers.lastArrivalMicros());
            }
            case "stats" -> say("stats " + receivers.delivered() + " " + receivers.outOfOrder() + " "
                + receivers.otherMessages() + " " + encode(receivers.latencyMicros()));
            default -> say("unknown command " + String.join(" ", command));
        }
    }

    static String encode(Histogram histogram) {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
    }

    static Histogram decode(String base64) throws DataFormatException {
        return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
