package dev.nettyws.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.FrameEncoder;
import dev.nettyws.frame.TextFrame;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One flush per member per run of publishes, on real event loops ({@link DefaultEventLoopGroup} with local
 * channels; an {@code EmbeddedChannel} runs every task at once and would hide it). The members are the server ends
 * of local connections, spread over two event loops, each with a flush counter at the head of its pipeline; the
 * client ends count the bytes that arrive.
 */
@Timeout(30)
class FlushPerRunTest {
    private static final int MEMBERS = 4;

    private final DefaultEventLoopGroup serverLoops = new DefaultEventLoopGroup(2);
    private final DefaultEventLoopGroup clientLoops = new DefaultEventLoopGroup(1);
    private final WebSocketGroup group = new WebSocketGroup();
    private final List<AtomicInteger> flushes = new CopyOnWriteArrayList<>();
    private final List<Channel> members = new CopyOnWriteArrayList<>();
    private final List<LinkedBlockingQueue<Integer>> received = new ArrayList<>();

    @BeforeEach
    void connect() throws InterruptedException {
        LocalAddress address = new LocalAddress("flush-per-run-" + System.nanoTime());
        CountDownLatch accepted = new CountDownLatch(MEMBERS);
        new ServerBootstrap().group(serverLoops).channel(LocalServerChannel.class)
            .childHandler(new ChannelInitializer<LocalChannel>() {
                @Override
                protected void initChannel(LocalChannel ch) {
                    AtomicInteger count = new AtomicInteger();
                    ch.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
                        @Override
                        public void flush(ChannelHandlerContext ctx) {
                            count.incrementAndGet();
                            ctx.flush();
                        }
                    }, new FrameEncoder(FrameConfig.SERVER_DEFAULT));
                    synchronized (members) {
                        flushes.add(count);
                        members.add(ch);
                    }
                    accepted.countDown();
                }
            }).bind(address).sync();
        for (int i = 0; i < MEMBERS; i++) {
            LinkedBlockingQueue<Integer> bytes = new LinkedBlockingQueue<>();
            received.add(bytes);
            new Bootstrap().group(clientLoops).channel(LocalChannel.class)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        bytes.add(((ByteBuf) msg).readableBytes());
                        ((ByteBuf) msg).release();
                    }
                }).connect(address).sync();
        }
        assertTrue(accepted.await(10, TimeUnit.SECONDS));
        Set<EventLoop> loops = new HashSet<>();
        for (Channel member : members) {
            group.add(member);
            loops.add(member.eventLoop());
        }
        assertEquals(2, loops.size(), "members on both event loops");
    }

    @AfterEach
    void stop() throws InterruptedException {
        clientLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        serverLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    /** Waits until every client has received {@code bytes} in total. */
    private void awaitReceived(int bytes) throws InterruptedException {
        for (LinkedBlockingQueue<Integer> queue : received) {
            int total = 0;
            while (total < bytes) {
                Integer part = queue.poll(10, TimeUnit.SECONDS);
                assertTrue(part != null, "received " + total + " of " + bytes + " bytes");
                total += part;
            }
            assertEquals(bytes, total);
        }
    }

    /** Runs a task on each server event loop that waits for the latch, so that publishes queue up behind it. */
    private void holdServerLoops(CountDownLatch release) throws InterruptedException {
        CountDownLatch held = new CountDownLatch(2);
        for (EventLoop loop : new HashSet<>(members.stream().map(Channel::eventLoop).toList())) {
            loop.execute(() -> {
                held.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        assertTrue(held.await(10, TimeUnit.SECONDS));
    }

    private void resetFlushCounts() throws Exception {
        // Let the joins drain (they flush nothing: no member was written to).
        for (Channel member : members) {
            member.eventLoop().submit(() -> { }).get(10, TimeUnit.SECONDS);
        }
        flushes.forEach(count -> count.set(0));
    }

    @Test
    void publishesQueuedFromAnotherThreadLeaveInOneFlushPerMember() throws Exception {
        resetFlushCounts();
        CountDownLatch release = new CountDownLatch(1);
        holdServerLoops(release);
        for (int i = 0; i < 10; i++) {
            assertEquals(MEMBERS, group.publish(new TextFrame("message " + i)));
        }
        release.countDown();

        awaitReceived(10 * (2 + "message 0".length()));
        for (AtomicInteger count : flushes) {
            assertEquals(1, count.get(), "ten messages, one flush");
        }
    }

    @Test
    void publishesMadeOnTheMembersEventLoopAreFlushedOnceAfterTheTask() throws Exception {
        resetFlushCounts();
        EventLoop loop = members.get(0).eventLoop();
        List<AtomicInteger> sameLoop = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            if (members.get(i).eventLoop() == loop) {
                sameLoop.add(flushes.get(i));
            }
        }
        int flushesDuringTheTask = loop.submit(() -> {
            for (int i = 0; i < 3; i++) {
                group.publish(new TextFrame("m" + i));
            }
            return sameLoop.stream().mapToInt(AtomicInteger::get).sum();
        }).get(10, TimeUnit.SECONDS);

        awaitReceived(3 * 4);
        assertEquals(0, flushesDuringTheTask, "written after the task, not while it runs");
        for (AtomicInteger count : sameLoop) {
            assertEquals(1, count.get(), "three messages, one flush");
        }
        // The other event loop was free: it may have drained each publish on its own as it came.
        for (AtomicInteger count : flushes) {
            assertTrue(count.get() >= 1 && count.get() <= 3, "between one flush and one per message: " + count);
        }
    }

    @Test
    void separateRunsAreFlushedSeparately() throws Exception {
        resetFlushCounts();
        for (int run = 0; run < 3; run++) {
            CountDownLatch release = new CountDownLatch(1);
            holdServerLoops(release);
            group.publish(new TextFrame("a" + run));
            group.publish(new TextFrame("b" + run));
            release.countDown();
            awaitReceived(2 * 4);
        }
        for (AtomicInteger count : flushes) {
            assertEquals(3, count.get(), "one flush per run");
        }
    }
}
