package dev.nettyws.example.hostile;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.example.ConnectionListener;
import dev.nettyws.example.ExampleServer;
import dev.nettyws.example.ServerAccess;
import dev.nettyws.example.chat.ChatSettings;
import dev.nettyws.transport.Transport;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Finding 1 against the example server: one keep-alive connection sends complete {@code GET /} requests without end
 * and never reads the pages (the page handler writes without looking at {@code isWritable()}). Before, the server
 * read and answered everything, 9.6 GiB in 15 s. Now it stops reading once the peer's window is full, so the client
 * cannot push more than the socket buffers hold, the server's direct memory stays put, and the connection ends at
 * the write stall timeout.
 */
@Timeout(60)
class PipelinedPagesTest {
    private static final long CLIENT_CAP = 256L << 20;

    @Test
    void pipelinedPagesNeverReadAreBoundedAndTheConnectionEnds() throws Exception {
        ChatSettings chat = ChatSettings.DEFAULT.withSlowConsumerLimits(1 << 20, Duration.ofSeconds(2));
        try (ExampleServer server = ExampleServer.start(Transport.AUTO, new InetSocketAddress("127.0.0.1", 0),
                ExampleServer.echoConfig(1 << 16), chat, null, ServerAccess.DEFAULT, ConnectionListener.NONE);
             SocketChannel client = SocketChannel.open()) {
            client.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
            client.connect(server.localAddress());
            client.configureBlocking(false);
            ByteBuffer requests = ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".repeat(2000)
                .getBytes(StandardCharsets.US_ASCII));
            long directBefore = PlatformDependent.usedDirectMemory();
            long maxDirect = directBefore;
            long sent = 0;
            long stuckSince = System.nanoTime();
            while (sent < CLIENT_CAP && System.nanoTime() - stuckSince < TimeUnit.SECONDS.toNanos(1)) {
                if (!requests.hasRemaining()) {
                    requests.rewind();
                }
                int n;
                try {
                    n = client.write(requests);
                } catch (IOException closed) {
                    break;
                }
                if (n > 0) {
                    sent += n;
                    stuckSince = System.nanoTime();
                } else {
                    Thread.sleep(5);
                }
                maxDirect = Math.max(maxDirect, PlatformDependent.usedDirectMemory());
            }
            assertTrue(sent < 32 << 20, "the server kept reading: " + sent + " bytes of requests accepted");
            if (directBefore >= 0) {
                assertTrue(maxDirect - directBefore < 32 << 20, "direct memory grew by " + (maxDirect - directBefore));
            }
            // The server ends the connection (write stall) while the client still does not read.
            long closeDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (server.openConnections() > 0 && System.nanoTime() < closeDeadline) {
                Thread.sleep(20);
            }
            assertTrue(server.openConnections() == 0, "the connection of a peer that never reads ends");
            // Reading now drains what the kernel still holds, then the stream ends.
            client.configureBlocking(true);
            client.socket().setSoTimeout(20_000);
            ByteBuffer sink = ByteBuffer.allocate(1 << 16);
            long received = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            int n = 0;
            try {
                while (System.nanoTime() < deadline && (n = client.read(sink)) >= 0) {
                    received += n;
                    sink.clear();
                }
            } catch (IOException reset) {
                n = -1;
            }
            assertTrue(n < 0, "the stream ends");
            System.out.printf("example, pipelined pages never read: %,d bytes of requests sent, %,d bytes of pages "
                + "queued in the kernel, direct memory %+,d B%n", sent, received, maxDirect - directBefore);
        }
    }
}
