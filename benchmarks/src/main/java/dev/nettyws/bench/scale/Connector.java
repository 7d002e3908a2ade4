package dev.nettyws.bench.scale;

import dev.nettyws.client.WebSocketClient;
import dev.nettyws.client.WebSocketClientConfig;
import dev.nettyws.handshake.ClientHandshakeConfig;
import dev.nettyws.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Opens the scale benchmark's WebSocket connections with a bounded number of handshakes in flight: connection
 * {@code i} (a global index, which ends the nick so that every member of the room has its own) goes to
 * {@code bases[i % bases.size()]} from the source address the caller picks for it, and is received by
 * {@code receivers.handler(i - first)}. Used from one thread.
 */
final class Connector {
    /** A loaded machine can take more than the default 10 s to answer a handshake among many. */
    private static final WebSocketClientConfig CONFIG = WebSocketClientConfig.builder()
        .handshake(ClientHandshakeConfig.builder().handshakeTimeout(Duration.ofSeconds(60)).build()).build();

    private final EventLoopGroup group;
    private final int handshakes;

    Connector(EventLoopGroup group, int handshakes) {
        this.group = group;
        this.handshakes = handshakes;
    }

    /**
     * Opens connections {@code first} to {@code first + count - 1} and waits until every handshake ended (each is
     * bounded by its 60 s timeout).
     *
     * @return the channels, in order
     * @throws IllegalStateException as soon as a connection or handshake failed
     */
    List<Channel> connect(List<URI> bases, int first, int count, Receivers receivers,
                          IntFunction<InetSocketAddress> source) throws InterruptedException {
        Semaphore inFlight = new Semaphore(handshakes);
        AtomicInteger failed = new AtomicInteger();
        List<Channel> channels = new ArrayList<>(count);
        long start = System.nanoTime();
        for (int k = 0; k < count; k++) {
            inFlight.acquire();
            int i = first + k;
            URI uri = URI.create(bases.get(i % bases.size()) + Integer.toString(i));
            ChannelHandler receiver = receivers.handler(k);
            // The slot is given back once: when the handshake ends, or when the connection failed before it began
            // (no descriptor left, refused), which the handshake may never hear of.
            AtomicBoolean slotReleased = new AtomicBoolean();
            Consumer<Future<?>> release = done -> {
                if (!done.isSuccess() && failed.getAndIncrement() == 0) {
                    System.out.println("first failure: " + done.cause());
                }
                if (slotReleased.compareAndSet(false, true)) {
                    inFlight.release();
                }
            };
            Channel channel = new Bootstrap().group(group).channel(Transport.AUTO.resolve().channelClass())
                .option(ChannelOption.SO_REUSEADDR, true)
                .localAddress(source.apply(i))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        WebSocketClient.install(ch.pipeline(), uri, CONFIG, receiver).handshakeFuture()
                            .addListener(release::accept);
                    }
                })
                .connect(uri.getHost(), uri.getPort())
                .addListener(connected -> {
                    if (!connected.isSuccess()) {
                        release.accept(connected);
                    }
                })
                .channel();
            channels.add(channel);
            if ((k + 1) % 5000 == 0) {
                System.out.printf("%,d connections opened in %.1f s%n", k + 1, (System.nanoTime() - start) / 1e9);
            }
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " handshakes failed after " + (k + 1)
                    + " connections");
            }
        }
        inFlight.acquire(handshakes);
        inFlight.release(handshakes);
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " of " + count + " handshakes failed");
        }
        System.out.printf("%,d connections open in %.1f s%n", count, (System.nanoTime() - start) / 1e9);
        return channels;
    }

    /**
     * Closes every connection and waits (at most 120 s in all) until they are closed, so that their descriptors are
     * free for the next server's connections.
     */
    static void closeAll(List<Channel> channels) {
        for (Channel channel : channels) {
            channel.close();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (Channel channel : channels) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !channel.closeFuture().awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
                System.out.println("connections still closing after 120 s");
                return;
            }
        }
    }
}
