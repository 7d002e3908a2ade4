package dev.nettyws.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.protocol.ConnectionConfig;
import dev.nettyws.protocol.WebSocketClosedEvent;
import dev.nettyws.server.BoundServer;
import dev.nettyws.server.WebSocketServerConfig;
import dev.nettyws.server.WebSocketServerInitializer;
import dev.nettyws.testsupport.HandshakeRequest;
import dev.nettyws.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A group on a real server (epoll when available, three event loops) with receivers on the JDK's WebSocket client:
 * numbered messages published from several threads at once reach every receiver, all of them and in one order; a
 * receiver that stops reading is cut off by its connection's limits and leaves the group without holding up the
 * others.
 */
@Timeout(60)
class GroupOverSocketsTest {
    private final WebSocketGroup group = new WebSocketGroup();
    private final List<Channel> joined = new CopyOnWriteArrayList<>();
    private final BlockingQueue<WebSocketClosedEvent> closed = new LinkedBlockingQueue<>();
    private final List<JdkReceiver> receivers = new ArrayList<>();
    private BoundServer server;

    @AfterEach
    void stop() {
        receivers.forEach(JdkReceiver::close);
        if (server != null) {
            server.close();
        }
    }

    /** Joins every upgraded connection to the group; reads and releases what clients send. */
    @ChannelHandler.Sharable
    private final class Join extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof HandshakeCompletedEvent) {
                group.add(ctx.channel());
                joined.add(ctx.channel());
            } else if (evt instanceof WebSocketClosedEvent) {
                closed.add((WebSocketClosedEvent) evt);
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }

    private URI start(WebSocketServerConfig config) throws InterruptedException {
        Join join = new Join();
        server = BoundServer.bind(Transport.AUTO, 3, new InetSocketAddress("127.0.0.1", 0),
            new WebSocketServerInitializer(config.toBuilder().path("/group").build(), () -> join));
        return URI.create("ws://127.0.0.1:" + server.localAddress().getPort() + "/group");
    }

    private void awaitMembers(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (group.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(count, group.size());
    }

    @Test
    void messagesFromSeveralThreadsReachEveryReceiverAllAndInOneOrder() throws Exception {
        URI uri = start(WebSocketServerConfig.builder().build());
        int receiverCount = 6;
        for (int i = 0; i < receiverCount; i++) {
            receivers.add(JdkReceiver.connect(uri));
        }
        awaitMembers(receiverCount);
        Set<EventLoop> loops = new HashSet<>();
        joined.forEach(ch -> loops.add(ch.eventLoop()));
        assertTrue(loops.size() >= 2, "receivers on several event loops: " + loops.size());

        int publishers = 3;
        int perPublisher = 300;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            int publisher = p;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int n = 0; n < perPublisher; n++) {
                    group.publish(new TextFrame(publisher + ":" + n));
                }
            });
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }

        int total = publishers * perPublisher;
        List<String> first = receivers.get(0).await(total);
        assertEquals(total, first.size());
        for (JdkReceiver receiver : receivers) {
            assertEquals(first, receiver.await(total), "every receiver sees the same order");
        }
        int[] next = new int[publishers];
        for (String message : first) {
            String[] parts = message.split(":");
            int publisher = Integer.parseInt(parts[0]);
            assertEquals(next[publisher]++, Integer.parseInt(parts[1]), "each publisher's messages in its order");
        }
        for (int p = 0; p < publishers; p++) {
            assertEquals(perPublisher, next[p], "all of publisher " + p + "'s messages");
        }
    }

    @Test
    void aReceiverThatStopsReadingIsCutOffAndLeavesWhileTheOthersGetEverything() throws Exception {
        long pendingLimit = 1 << 20;
        ConnectionConfig connection = ConnectionConfig.DEFAULT.toBuilder().maxPendingWriteBytes(pendingLimit)
            .writeStallTimeout(Duration.ZERO).build();
        URI uri = start(WebSocketServerConfig.builder().maxMessageLength(64 * 1024).connection(connection).build());
        JdkReceiver reader = JdkReceiver.connect(uri);
        receivers.add(reader);
        try (Socket stalled = new Socket()) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(server.localAddress(), 10_000);
            stalled.setSoTimeout(10_000);
            stalled.getOutputStream().write(HandshakeRequest.to("/group").bytes());
            assertTrue(readHead(stalled.getInputStream()).startsWith("HTTP/1.1 101 "));
            awaitMembers(2);

            String filler = "x".repeat(16 * 1024);
            int sent = 0;
            // The stalled peer's socket buffers hold a few MiB at most; bound the loop well above.
            while (group.size() == 2 && sent < 2000) {
                group.publish(new TextFrame(sent + " " + filler));
                sent++;
                if (sent % 32 == 0) {
                    reader.await(sent);
                }
            }
            assertEquals(1, group.size(), "the stalled receiver left after " + sent + " messages");

            WebSocketClosedEvent event = closed.poll(10, TimeUnit.SECONDS);
            assertNotNull(event);
            assertEquals(CloseStatus.POLICY_VIOLATION, event.statusCode());
            assertEquals(ConnectionConfig.PENDING_LIMIT_REASON, event.reason());
            group.publish(new TextFrame("after"));
            List<String> got = reader.await(sent + 1);
            for (int i = 0; i < sent; i++) {
                assertTrue(got.get(i).startsWith(i + " "), "message " + i + " in order");
            }
            assertEquals("after", got.get(sent));
            for (Channel ch : joined) {
                assertEquals(group.contains(ch), ch.isOpen(), "the member that left is the one closed");
            }
        }
    }

    private static String readHead(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
