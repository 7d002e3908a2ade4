package dev.nettyws.server;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ipfilter.AbstractRemoteAddressFilter;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Limits how many connections one client address holds open at once, so that one attacker's address cannot take
 * every file descriptor of the server. An IPv4 address counts as itself; an IPv6 address counts by its /64 prefix,
 * the smallest block a subscriber is normally given (a host picks its own 64 interface bits at will), and an
 * IPv4-mapped IPv6 address as the IPv4 address; other kinds of address (local or embedded channels) are not
 * limited. A connection beyond the limit is closed as soon as it is registered,
 * before any TLS or HTTP work; the refusals are counted ({@link #refusedConnections()}) and logged at most once per
 * {@value #LOG_INTERVAL_SECONDS} seconds with their number.
 *
 * <p><b>Place.</b> First in each accepted channel's pipeline ({@link WebSocketServerInitializer} adds it, from
 * {@link WebSocketServerConfig#maxConnectionsPerAddress()}); one instance for the whole server, since it counts
 * across channels. It removes itself from a connection it admits (Netty's {@link AbstractRemoteAddressFilter}) and
 * counts the connection down when it closes.
 *
 * <p>Sharable and thread-safe. Holds no buffers.
 */
@ChannelHandler.Sharable
public final class ConnectionsPerAddressLimit extends AbstractRemoteAddressFilter<SocketAddress> {
    /** How often at most a line about refused connections is logged. */
    public static final int LOG_INTERVAL_SECONDS = 10;

    private static final InternalLogger LOGGER = InternalLoggerFactory.getInstance(ConnectionsPerAddressLimit.class);

    private final int maxPerAddress;
    /** Open connections per address key; an entry exists only while its address holds a connection. */
    private final ConcurrentHashMap<Object, Integer> open = new ConcurrentHashMap<>();
    private final LongAdder refused = new LongAdder();
    private final RateLimitedLog refusals = new RateLimitedLog(LOG_INTERVAL_SECONDS, TimeUnit.SECONDS);

    /**
     * Creates the limit for one server.
     *
     * @param maxPerAddress the most connections one address may hold open; at least 1
     * @throws IllegalArgumentException if {@code maxPerAddress} is below 1
     */
    public ConnectionsPerAddressLimit(int maxPerAddress) {
        if (maxPerAddress < 1) {
            throw new IllegalArgumentException("maxPerAddress must be >= 1: " + maxPerAddress);
        }
        this.maxPerAddress = maxPerAddress;
    }

    /** The limit. */
    public int maxPerAddress() {
        return maxPerAddress;
    }

    /** How many connections were refused since the start. */
    public long refusedConnections() {
        return refused.sum();
    }

    /** How many connections the address (or, for IPv6, its /64) holds open now. */
    public int openConnections(InetAddress address) {
        return open.getOrDefault(key(address), 0);
    }

    @Override
    protected boolean accept(ChannelHandlerContext ctx, SocketAddress remoteAddress) {
        if (!(remoteAddress instanceof InetSocketAddress)) {
            return true;
        }
        Object key = key(((InetSocketAddress) remoteAddress).getAddress());
        boolean[] admitted = new boolean[1];
        open.compute(key, (k, count) -> {
            int current = count == null ? 0 : count;
            admitted[0] = current < maxPerAddress;
            return admitted[0] ? current + 1 : count;
        });
        if (admitted[0]) {
            ctx.channel().closeFuture().addListener(f -> open.computeIfPresent(key,
                (k, count) -> count <= 1 ? null : count - 1));
        }
        return admitted[0];
    }

    @Override
    protected ChannelFuture channelRejected(ChannelHandlerContext ctx, SocketAddress remoteAddress) {
        refused.increment();
        long events = refusals.count();
        if (events > 0) {
            LOGGER.warn("refused {} connection(s) from addresses already holding {} (the last from {}); "
                + "further refusals are logged at most every {} s", events, maxPerAddress,
                ((InetSocketAddress) remoteAddress).getAddress().getHostAddress(), LOG_INTERVAL_SECONDS);
        }
        return null;
    }

    /** The counting key: an Integer for IPv4, a Long (the /64 prefix) for IPv6. */
    static Object key(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 4) {
            return ipv4(bytes, 0);
        }
        if (isIpv4Mapped(bytes)) {
            return ipv4(bytes, 12);
        }
        long prefix = 0;
        for (int i = 0; i < 8; i++) {
            prefix = prefix << 8 | (bytes[i] & 0xff);
        }
        return prefix;
    }

    private static Integer ipv4(byte[] bytes, int offset) {
        return (bytes[offset] & 0xff) << 24 | (bytes[offset + 1] & 0xff) << 16 | (bytes[offset + 2] & 0xff) << 8
            | bytes[offset + 3] & 0xff;
    }

    private static boolean isIpv4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }
}
