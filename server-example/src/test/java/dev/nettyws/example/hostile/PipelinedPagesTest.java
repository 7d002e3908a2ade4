package dev.nettyws.example.hostile;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.example.ConnectionListener;
import dev.nettyws.example.ExampleServer;
import dev.nettyws.example.ServerAccess;
import dev.nettyws.example.chat.ChatSettings;
import dev.nettyws.testsupport.NeverReadingClient;
import dev.nettyws.transport.Transport;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.net.InetSocketAddress;
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
 * cannot push more than the socket buffers hold and the server's direct memory stays put; the connection ends at the
 * write stall timeout, or earlier when Netty's codec has decoded more than 128 unanswered requests in one read.
 */
@Timeout(60)
class PipelinedPagesTest {
    private static final long CLIENT_CAP = 256L << 20;

    @Test
    void pipelinedPagesNeverReadAreBoundedAndTheConnectionEnds() throws Exception {
        ChatSettings chat = ChatSettings.DEFAULT.withSlowConsumerLimits(1 << 20, Duration.ofSeconds(2));
        try (ExampleServer server = ExampleServer.start(Transport.AUTO, new InetSocketAddress("127.0.0.1", 0),
                ExampleServer.echoConfig(1 << 16), chat, null, ServerAccess.DEFAULT, ConnectionListener.NONE);
             NeverReadingClient attacker = NeverReadingClient.connect(server.localAddress())) {
            byte[] requests = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".repeat(2000)
                .getBytes(StandardCharsets.US_ASCII);
            long directBefore = PlatformDependent.usedDirectMemory();
            long[] maxDirect = {directBefore};
            long sent = attacker.writeUntilStuck(requests, CLIENT_CAP, Duration.ofSeconds(1),
                () -> maxDirect[0] = Math.max(maxDirect[0], PlatformDependent.usedDirectMemory()));
            assertTrue(sent < 32 << 20, "the server kept reading: " + sent + " bytes of requests accepted");
            if (directBefore >= 0) {
                assertTrue(maxDirect[0] - directBefore < 32 << 20, "direct memory grew by "
                    + (maxDirect[0] - directBefore));
            }
            // The server ends the connection while the client still does not read.
            long closeDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (server.openConnections() > 0 && System.nanoTime() < closeDeadline) {
                Thread.sleep(20);
            }
            assertTrue(server.openConnections() == 0, "the connection of a peer that never reads ends");
            // Reading now drains what the kernel still holds, then the stream ends.
            SocketChannel client = attacker.channel();
            client.configureBlocking(true);
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
                + "queued in the kernel, direct memory %+,d B%n", sent, received, maxDirect[0] - directBefore);
        }
    }
}
