package dev.nettyws.example.chat.http;

import dev.nettyws.handshake.OriginPolicy;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.NetUtil;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * The same rules for the chat's HTTP requests as for its WebSocket handshakes: exactly one {@code Host}, which is an
 * IP address, {@code localhost} or one of the allowed host names (so that a page of a name re-pointed at this
 * server, DNS rebinding, is refused); at most one {@code Origin}, and when there is one the origin policy must accept
 * it given the origin the request addressed. Browsers send {@code Origin} on every cross-site request and on every
 * POST, so a page of another site can neither post as a member nor read the events; a client without a browser sends
 * none and is served. Posts must also be {@code application/json}, which a form of another site cannot send without
 * asking first (a CORS preflight this server does not answer).
 *
 * <p>Immutable and thread-safe.
 */
final class HttpAccess {
    private final OriginPolicy origins;
    private final List<String> allowedHosts;
    private final boolean tls;

    /**
     * Creates the rules.
     *
     * @param allowedOrigins origins allowed besides the same origin, or {@code *} for any
     * @param allowedHosts host names ({@code name}, {@code .domain}, or {@code *}) besides IP addresses and localhost
     * @param tls whether the server speaks TLS (the scheme of its own origin)
     */
    HttpAccess(List<String> allowedOrigins, List<String> allowedHosts, boolean tls) {
        this.origins = allowedOrigins.contains("*") ? OriginPolicy.allowAll()
            : allowedOrigins.isEmpty() ? OriginPolicy.sameOrigin() : OriginPolicy.allowList(allowedOrigins);
        this.allowedHosts = allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
        this.tls = tls;
    }

    /** Why the request is refused (403), or null if it is accepted. */
    String refusal(HttpRequest request) {
        List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
        if (hosts.size() != 1) {
            return "exactly one Host header expected";
        }
        URI server;
        try {
            server = new URI((tls ? "https://" : "http://") + hosts.get(0).trim());
        } catch (URISyntaxException e) {
            return "invalid Host header";
        }
        String host = server.getHost();
        if (host == null || server.getRawPath() != null && !server.getRawPath().isEmpty()
                || server.getRawUserInfo() != null || server.getRawQuery() != null || server.getRawFragment() != null) {
            return "invalid Host header";
        }
        if (!allowsHost(host.toLowerCase(Locale.ROOT))) {
            return "host not allowed";
        }
        List<String> origin = request.headers().getAll(HttpHeaderNames.ORIGIN);
        if (origin.size() > 1) {
            return "multiple Origin headers";
        }
        int port = server.getPort();
        String serverOrigin = (tls ? "https://" : "http://") + host.toLowerCase(Locale.ROOT)
            + (port < 0 || port == (tls ? 443 : 80) ? "" : ":" + port);
        if (origin.size() == 1 && !origins.allows(origin.get(0), serverOrigin)) {
            return "origin not allowed";
        }
        return null;
    }

    private boolean allowsHost(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (NetUtil.isValidIpV4Address(bare) || NetUtil.isValidIpV6Address(bare) || "localhost".equals(bare)) {
            return true;
        }
        for (String allowed : allowedHosts) {
            if ("*".equals(allowed) || allowed.equals(bare)
                    || allowed.startsWith(".") && (bare.endsWith(allowed) || bare.equals(allowed.substring(1)))) {
                return true;
            }
        }
        return false;
    }
}
