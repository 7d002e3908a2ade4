package dev.nettyws.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * A client that writes the same bytes again and again and never reads what the server sends (a receive buffer of
 * 4 KiB, so the server's answers soon fill the TCP window): the attacker of the pipelining tests. Writes are
 * non-blocking, so the test sees the moment the server stops reading.
 */
public final class NeverReadingClient implements AutoCloseable {
    /** Called after each write attempt, to measure the server meanwhile. */
    @FunctionalInterface
    public interface Sampler {
        /** Takes one sample. */
        void sample() throws Exception;
    }

    private final SocketChannel channel;

    private NeverReadingClient(SocketChannel channel) {
        this.channel = channel;
    }

    /** Connects to {@code server}. */
    public static NeverReadingClient connect(InetSocketAddress server) throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
            channel.connect(server);
            channel.configureBlocking(false);
            return new NeverReadingClient(channel);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    /** The socket, for reading at last. */
    public SocketChannel channel() {
        return channel;
    }

    /**
     * Writes {@code chunk} again and again until the server has taken no byte for {@code stuck}, has closed the
     * connection, or {@code cap} bytes are written.
     *
     * @return the bytes written
     */
    public long writeUntilStuck(byte[] chunk, long cap, Duration stuck, Sampler sampler) throws Exception {
        ByteBuffer buffer = ByteBuffer.wrap(chunk);
        long written = 0;
        long stuckSince = System.nanoTime();
        while (written < cap && System.nanoTime() - stuckSince < stuck.toNanos()) {
            if (!buffer.hasRemaining()) {
                buffer.rewind();
            }
            int n;
            try {
                n = channel.write(buffer);
            } catch (IOException closed) {
                break;
            }
            if (n > 0) {
                written += n;
                stuckSince = System.nanoTime();
            } else {
                Thread.sleep(5);
            }
            sampler.sample();
        }
        return written;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
