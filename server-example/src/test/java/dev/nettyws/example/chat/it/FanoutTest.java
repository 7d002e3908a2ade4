package dev.nettyws.example.chat.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.client.WebSocketClient;
import dev.nettyws.client.WebSocketClientConfig;
import dev.nettyws.example.ConnectionListener;
import dev.nettyws.example.ExampleServer;
import dev.nettyws.example.chat.ChatSettings;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Fan-out over loopback: one sender, N receivers in one room, M messages; every receiver must get every message.
 * Prints deliveries per second (N × M over the time from the first send to the last delivery) to the test output.
 * Small by default; a measurement run sets {@code -Dchat.fanout.receivers=500 -Dchat.fanout.messages=200}. Not a
 * timing assertion: the figure is only reported.
 */
public class FanoutTest {
    private static final int RECEIVERS = Integer.getInteger("chat.fanout.receivers", 20);
    private static final int MESSAGES = Integer.getInteger("chat.fanout.messages", 50);

    /** Counts the message events a receiver gets, and its welcome. */
    @ChannelHandler.Sharable
    private static final class Counter extends ChannelInboundHandlerAdapter {
        final CountDownLatch welcomed;
        final CountDownLatch delivered;
        final AtomicLong messages = new AtomicLong();
        private final AtomicLong remaining;

        Counter(int connections, long deliveries) {
            welcomed = new CountDownLatch(connections);
            delivered = new CountDownLatch(1);
            remaining = new AtomicLong(deliveries);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof TextFrame) {
                    String text = ((TextFrame) msg).text();
                    if (text.startsWith("{\"type\":\"message\"")) {
                        messages.incrementAndGet();
                        if (remaining.decrementAndGet() == 0) {
                            delivered.countDown();
                        }
                    } else if (text.startsWith("{\"type\":\"welcome\"")) {
                        welcomed.countDown();
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    /**
     * Runs the measurement outside JUnit, without the paranoid leak detection of the test run, for example
     * {@code java -cp ... -Dchat.fanout.receivers=500 dev.nettyws.example.chat.it.FanoutTest} (the README has
     * the whole command).
     */
    public static void main(String[] args) throws Exception {
        new FanoutTest().everyReceiverGetsEveryMessage();
    }

    @Test
    void everyReceiverGetsEveryMessage() throws Exception {
        ChatSettings settings = ChatSettings.DEFAULT.withRate(100_000, 100_000).withHistory(0);
        try (ExampleServer server = ExampleServer.start(Transport.AUTO, new InetSocketAddress("127.0.0.1", 0),
                ExampleServer.echoConfig(ExampleServer.DEFAULT_MAX_MESSAGE_BYTES), settings, null,
                ConnectionListener.NONE);
             WebSocketClient client = new WebSocketClient(WebSocketClientConfig.DEFAULT)) {
            Counter counter = new Counter(RECEIVERS + 1, (long) (RECEIVERS + 1) * MESSAGES);
            List<Channel> channels = new ArrayList<>();
            for (int i = 0; i < RECEIVERS; i++) {
                channels.add(client.connect(ChatClient.uri(server.chatUri(), "fan", "r" + i), counter)
                    .get(20, TimeUnit.SECONDS));
            }
            Channel sender = client.connect(ChatClient.uri(server.chatUri(), "fan", "sender"), counter)
                .get(20, TimeUnit.SECONDS);
            assertTrue(counter.welcomed.await(30, TimeUnit.SECONDS), "everyone joined");
            String message = "{\"type\":\"message\",\"text\":\"" + "x".repeat(64) + "\"}";
            long start = System.nanoTime();
            for (int i = 0; i < MESSAGES; i++) {
                sender.write(new TextFrame(message));
                if (!sender.isWritable()) {
                    sender.flush();
                }
            }
            sender.flush();
            assertTrue(counter.delivered.await(120, TimeUnit.SECONDS),
                () -> counter.messages.get() + " of " + (RECEIVERS + 1L) * MESSAGES + " delivered");
            long nanos = System.nanoTime() - start;
            long deliveries = (long) (RECEIVERS + 1) * MESSAGES;
            assertEquals(deliveries, counter.messages.get());
            System.out.printf("fan-out: %d receivers (sender included) x %d messages = %d deliveries in %.1f ms:"
                    + " %.0f deliveries/s (transport %s)%n", RECEIVERS + 1, MESSAGES, deliveries, nanos / 1e6,
                deliveries / (nanos / 1e9), server.transport().displayName());
            channels.add(sender);
            for (Channel channel : channels) {
                channel.close();
            }
        }
    }
}
