package dev.nettyws.example;

import dev.nettyws.handshake.OriginPolicy;
import dev.nettyws.server.ConnectionsPerAddressLimit;
import dev.nettyws.server.WebSocketServerConfig;
import java.util.List;
import java.util.Objects;

/**
 * Who may reach the example server, on top of the library's defaults: origins allowed besides the server's own pages
 * (same-origin, {@link OriginPolicy#sameOrigin()}), host names allowed besides IP addresses and {@code localhost}
 * ({@link dev.nettyws.handshake.ServerHandshakeConfig#allowedHosts()}), both for {@code /chat} and {@code /echo},
 * and how many connections one client address may hold ({@link ConnectionsPerAddressLimit}).
 *
 * <p>The defaults serve the chat page wherever it is reached by IP address or as {@code localhost} (the page
 * connects to the host it was loaded from), refuse other sites' pages, and hold each address to 256 connections.
 * Immutable.
 */
public final class ServerAccess {
    /** Same origin only, IP addresses and localhost, 256 connections per address. */
    public static final ServerAccess DEFAULT = new ServerAccess(List.of(), List.of(),
        WebSocketServerConfig.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);

    private final List<String> allowedOrigins;
    private final List<String> allowedHosts;
    private final int maxConnectionsPerAddress;
    private final OriginPolicy originPolicy;

    /**
     * Creates the rules.
     *
     * @param allowedOrigins origins ({@code scheme://host[:port]}) allowed besides the same origin, or {@code *}
     *     for any (no cross-site protection)
     * @param allowedHosts host names ({@code name}, {@code .domain}, or {@code *}) allowed besides IP addresses and
     *     {@code localhost}
     * @param maxConnectionsPerAddress connections per client address (IPv6: per /64), 0 for no limit
     * @throws IllegalArgumentException if an origin or host is malformed, or the limit is negative
     */
    public ServerAccess(List<String> allowedOrigins, List<String> allowedHosts, int maxConnectionsPerAddress) {
        this.allowedOrigins = List.copyOf(allowedOrigins);
        this.allowedHosts = List.copyOf(allowedHosts);
        if (maxConnectionsPerAddress < 0) {
            throw new IllegalArgumentException("connections per address must be >= 0: " + maxConnectionsPerAddress);
        }
        this.maxConnectionsPerAddress = maxConnectionsPerAddress;
        this.originPolicy = this.allowedOrigins.contains("*") ? OriginPolicy.allowAll()
            : this.allowedOrigins.isEmpty() ? OriginPolicy.sameOrigin() : OriginPolicy.allowList(this.allowedOrigins);
        // Checks the hosts now rather than at the first connection.
        applyTo(WebSocketServerConfig.DEFAULT);
    }

    /** The origins allowed besides the same origin. */
    public List<String> allowedOrigins() {
        return allowedOrigins;
    }

    /** The host names allowed besides IP addresses and localhost. */
    public List<String> allowedHosts() {
        return allowedHosts;
    }

    /** Connections per client address; 0 for no limit. */
    public int maxConnectionsPerAddress() {
        return maxConnectionsPerAddress;
    }

    /** {@code config} with these origins and hosts, and this connection limit. */
    public WebSocketServerConfig applyTo(WebSocketServerConfig config) {
        Objects.requireNonNull(config, "config");
        return config.toBuilder().maxConnectionsPerAddress(maxConnectionsPerAddress)
            .handshake(config.handshake().toBuilder().originPolicy(originPolicy).allowedHosts(allowedHosts).build())
            .build();
    }

    @Override
    public String toString() {
        return "ServerAccess(allowedOrigins=" + allowedOrigins + ", allowedHosts=" + allowedHosts
            + ", maxConnectionsPerAddress=" + maxConnectionsPerAddress + ')';
    }
}
