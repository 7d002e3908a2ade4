package dev.nettyws.handshake;

import dev.nettyws.internal.Authority;
import dev.nettyws.internal.HttpTokens;
import dev.nettyws.internal.RequestTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The settings of the server side of the opening handshake (RFC 6455 §4.2): which requests are for the WebSocket
 * endpoint, which subprotocols it speaks, who may connect, and how long a client has to send its request. The
 * extensions a server accepts are set with its endpoint configuration ({@code WebSocketServerConfig.compression}).
 * Immutable; build one with {@link #builder()} or start from {@link #DEFAULT} and {@link #toBuilder()}.
 *
 * <p>Safe to share between channels and threads. Holds no buffers.
 */
public final class ServerHandshakeConfig {
    /** Default {@link #handshakeTimeout()}: 10 seconds. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    /** Default {@link #httpExchangeTimeout()}: 30 seconds. */
    public static final Duration DEFAULT_HTTP_EXCHANGE_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Endpoint {@code "/"} (exact), no subprotocols, same-origin pages and non-browser clients, IP addresses and
     * {@code localhost} as hosts, no extensions, a 10 second handshake timeout.
     */
    public static final ServerHandshakeConfig DEFAULT = builder().build();

    private final String path;
    private final boolean matchPrefix;
    private final List<String> subprotocols;
    private final boolean requireSubprotocol;
    private final OriginPolicy originPolicy;
    private final boolean allowMissingOrigin;
    private final List<String> allowedHosts;
    private final HandshakeInterceptor interceptor;
    private final Duration handshakeTimeout;
    private final Duration httpExchangeTimeout;

    private ServerHandshakeConfig(Builder builder) {
        this.path = builder.path;
        this.matchPrefix = builder.matchPrefix;
        this.subprotocols = Collections.unmodifiableList(new ArrayList<>(builder.subprotocols));
        this.requireSubprotocol = builder.requireSubprotocol;
        this.originPolicy = builder.originPolicy;
        this.allowMissingOrigin = builder.allowMissingOrigin;
        this.allowedHosts = List.copyOf(builder.allowedHosts);
        this.interceptor = builder.interceptor;
        this.handshakeTimeout = builder.handshakeTimeout;
        this.httpExchangeTimeout = builder.httpExchangeTimeout;
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * The path of the WebSocket endpoint, compared with the path of the request target (before any {@code ?}) as
     * sent, case-sensitive and before percent-decoding (RFC 3986 §6.2.1), so configure it the way clients write it.
     * Requests for other paths pass through the upgrade handler untouched. Default {@code "/"}.
     */
    public String path() {
        return path;
    }

    /**
     * Whether {@link #path()} also covers the paths below it: {@code "/chat"} then matches {@code "/chat"} and
     * {@code "/chat/room"}, but not {@code "/chatter"}; a path ending in {@code /} matches every path that starts
     * with it, so {@code "/"} matches every path. Default false: the request path must equal {@link #path()}.
     */
    public boolean matchPrefix() {
        return matchPrefix;
    }

    /** Whether a request target is for this endpoint; the query is ignored. */
    public boolean matchesPath(String requestTarget) {
        String requestPath = RequestTarget.rawPath(RequestTarget.originForm(requestTarget));
        if (!matchPrefix || requestPath.length() == path.length()) {
            return requestPath.equals(path);
        }
        return requestPath.startsWith(path) && (path.endsWith("/") || requestPath.charAt(path.length()) == '/');
    }

    /**
     * The subprotocols this server speaks, in its order of preference (RFC 6455 §1.9, §4.2.2 item 4): the first of
     * them that the client offered in {@code Sec-WebSocket-Protocol} is selected. Empty by default: no
     * {@code Sec-WebSocket-Protocol} is ever sent back.
     */
    public List<String> subprotocols() {
        return subprotocols;
    }

    /**
     * Whether a handshake is refused with {@code 400 Bad Request} when the server has subprotocols and the client
     * offered none of them. When false (the default) such a handshake proceeds without a subprotocol, and it is up
     * to the client to give up (§4.1 allows it).
     */
    public boolean requireSubprotocol() {
        return requireSubprotocol;
    }

    /**
     * Which {@code Origin}s may connect (§4.2.2 item 4, §10.2); others get 403. Default
     * {@link OriginPolicy#sameOrigin()}: the pages of this server, as the request addressed it.
     */
    public OriginPolicy originPolicy() {
        return originPolicy;
    }

    /**
     * Whether a handshake without an {@code Origin} header is accepted. Browsers always send one; other clients
     * usually do not. Default true.
     */
    public boolean allowMissingOrigin() {
        return allowMissingOrigin;
    }

    /**
     * The host names, besides IP addresses and {@code localhost} (with its subdomains, RFC 6761), that a handshake may
     * address: the {@code Host} header, or the authority of an absolute-form request target, which then stands for
     * it (RFC 9112 §3.2.2). An entry is a name ({@code chat.example.com}), a name with a leading dot for the domain
     * and every subdomain ({@code .example.com}), or {@code *} for any well-formed host. Empty by default, so a
     * server reached by a DNS name must list it.
     *
     * <p>A missing, repeated or malformed {@code Host} is answered {@code 400 Bad Request} (RFC 9112 §3.2 requires
     * it); a well-formed one that is not allowed {@code 421 Misdirected Request} (RFC 9110 §15.5.20: this server
     * will not answer for that name). The check is what makes the same-origin default safe against DNS rebinding:
     * an attacker's name pointed at this server is not one of its names. IP addresses and {@code localhost} need no
     * entry, since no other site's page can make a browser send them.
     */
    public List<String> allowedHosts() {
        return allowedHosts;
    }

    /** The application's check of each handshake (authentication), run after the protocol checks. Default: none. */
    public HandshakeInterceptor interceptor() {
        return interceptor;
    }

    /**
     * How long a connection may go without a request head while no HTTP response is outstanding: from the moment
     * the connection is accepted (the upgrade handler's {@code channelActive}, or {@code handlerAdded} on an
     * active channel), not from when a request starts, so that a client sending its request slowly (slowloris)
     * cannot hold a connection open. On expiry the server answers {@code 408 Request Timeout} and closes. On a
     * connection that also serves plain HTTP, the clock restarts after each exchange, so it also bounds keep-alive
     * idleness. Default 10 seconds.
     */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /**
     * How long a plain HTTP exchange on a connection that may still upgrade can take: from the head of a request for
     * another path (which the upgrade decoder passes to the application's HTTP handlers) until its body has arrived
     * and every response owed has been written. Each request head restarts it. On expiry the connection is closed
     * without an answer (one may be under way), so neither a body that never ends (a {@code Content-Length} of a
     * gigabyte, an endless chunked body, one trickled byte by byte) nor a response that is never written keeps a
     * connection open. HTTP handlers that legitimately take longer (large uploads, long polling) need a longer one.
     * Default 30 seconds.
     */
    public Duration httpExchangeTimeout() {
        return httpExchangeTimeout;
    }

    @Override
    public String toString() {
        return "ServerHandshakeConfig(path=" + path + ", matchPrefix=" + matchPrefix + ", subprotocols=" + subprotocols
            + ", requireSubprotocol=" + requireSubprotocol + ", allowMissingOrigin=" + allowMissingOrigin
            + ", allowedHosts=" + allowedHosts
            + ", handshakeTimeout=" + handshakeTimeout + ", httpExchangeTimeout=" + httpExchangeTimeout + ')';
    }

    /** Builds a {@link ServerHandshakeConfig}; checks the values in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private String path = "/";
        private boolean matchPrefix;
        private List<String> subprotocols = List.of();
        private boolean requireSubprotocol;
        private OriginPolicy originPolicy = OriginPolicy.sameOrigin();
        private boolean allowMissingOrigin = true;
        private List<String> allowedHosts = List.of();
        private HandshakeInterceptor interceptor = HandshakeInterceptor.ACCEPT_ALL;
        private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
        private Duration httpExchangeTimeout = DEFAULT_HTTP_EXCHANGE_TIMEOUT;

        private Builder() {
        }

        private Builder(ServerHandshakeConfig config) {
            this.path = config.path;
            this.matchPrefix = config.matchPrefix;
            this.subprotocols = config.subprotocols;
            this.requireSubprotocol = config.requireSubprotocol;
            this.originPolicy = config.originPolicy;
            this.allowMissingOrigin = config.allowMissingOrigin;
            this.allowedHosts = config.allowedHosts;
            this.interceptor = config.interceptor;
            this.handshakeTimeout = config.handshakeTimeout;
            this.httpExchangeTimeout = config.httpExchangeTimeout;
        }

        /** See {@link ServerHandshakeConfig#path()}; starts with {@code /}, no query, fragment or whitespace. */
        public Builder path(String path) {
            this.path = Objects.requireNonNull(path, "path");
            return this;
        }

        /** See {@link ServerHandshakeConfig#matchPrefix()}. */
        public Builder matchPrefix(boolean matchPrefix) {
            this.matchPrefix = matchPrefix;
            return this;
        }

        /** See {@link ServerHandshakeConfig#subprotocols()}; distinct tokens, most preferred first. */
        public Builder subprotocols(List<String> subprotocols) {
            this.subprotocols = List.copyOf(subprotocols);
            return this;
        }

        /** See {@link ServerHandshakeConfig#subprotocols()}. */
        public Builder subprotocols(String... subprotocols) {
            return subprotocols(List.of(subprotocols));
        }

        /** See {@link ServerHandshakeConfig#requireSubprotocol()}; needs at least one subprotocol. */
        public Builder requireSubprotocol(boolean requireSubprotocol) {
            this.requireSubprotocol = requireSubprotocol;
            return this;
        }

        /** See {@link ServerHandshakeConfig#originPolicy()}. */
        public Builder originPolicy(OriginPolicy originPolicy) {
            this.originPolicy = Objects.requireNonNull(originPolicy, "originPolicy");
            return this;
        }

        /** See {@link ServerHandshakeConfig#allowMissingOrigin()}. */
        public Builder allowMissingOrigin(boolean allowMissingOrigin) {
            this.allowMissingOrigin = allowMissingOrigin;
            return this;
        }

        /**
         * See {@link ServerHandshakeConfig#allowedHosts()}; entries are compared case-insensitively and a trailing
         * dot is ignored.
         */
        public Builder allowedHosts(Collection<String> allowedHosts) {
            List<String> normalized = new ArrayList<>();
            for (String host : allowedHosts) {
                String lower = Objects.requireNonNull(host, "host").trim().toLowerCase(Locale.ROOT);
                normalized.add(lower.length() > 1 && lower.endsWith(".") ? lower.substring(0, lower.length() - 1)
                    : lower);
            }
            this.allowedHosts = normalized;
            return this;
        }

        /** See {@link ServerHandshakeConfig#allowedHosts()}. */
        public Builder allowedHosts(String... allowedHosts) {
            return allowedHosts(List.of(allowedHosts));
        }

        /** See {@link ServerHandshakeConfig#interceptor()}. */
        public Builder interceptor(HandshakeInterceptor interceptor) {
            this.interceptor = Objects.requireNonNull(interceptor, "interceptor");
            return this;
        }

        /** See {@link ServerHandshakeConfig#handshakeTimeout()}; positive. */
        public Builder handshakeTimeout(Duration handshakeTimeout) {
            this.handshakeTimeout = Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
            return this;
        }

        /** See {@link ServerHandshakeConfig#httpExchangeTimeout()}; positive. */
        public Builder httpExchangeTimeout(Duration httpExchangeTimeout) {
            this.httpExchangeTimeout = Objects.requireNonNull(httpExchangeTimeout, "httpExchangeTimeout");
            return this;
        }

        /**
         * Checks the values and builds the configuration.
         *
         * @throws IllegalArgumentException if the path does not start with {@code /} or holds {@code ?}, {@code #}
         *     or whitespace; a subprotocol is not an RFC 7230 token or is listed twice; an allowed host is not a
         *     name, {@code .domain} or {@code *}; a subprotocol is required
         *     but none is configured; or a timeout is not positive or does not fit in a long of nanoseconds
         */
        public ServerHandshakeConfig build() {
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("path must start with '/': " + path);
            }
            for (int i = 0; i < path.length(); i++) {
                char c = path.charAt(i);
                if (c == '?' || c == '#' || c <= ' ' || c >= 0x7F) {
                    throw new IllegalArgumentException("path must hold no query, fragment, space or control or "
                        + "non-ASCII character: " + path);
                }
            }
            HashSet<String> seen = new HashSet<>();
            for (String subprotocol : subprotocols) {
                if (!HttpTokens.isToken(subprotocol)) {
                    throw new IllegalArgumentException("subprotocol is not a token (RFC 6455 §4.1): " + subprotocol);
                }
                if (!seen.add(subprotocol)) {
                    throw new IllegalArgumentException("subprotocol listed twice: " + subprotocol);
                }
            }
            if (requireSubprotocol && subprotocols.isEmpty()) {
                throw new IllegalArgumentException("requireSubprotocol needs at least one subprotocol");
            }
            for (String host : allowedHosts) {
                String name = host.startsWith(".") ? host.substring(1) : host;
                if (!"*".equals(host) && !Authority.isName(name)) {
                    throw new IllegalArgumentException("not a host name, .domain or *: " + host);
                }
            }
            checkTimeout("handshakeTimeout", handshakeTimeout);
            checkTimeout("httpExchangeTimeout", httpExchangeTimeout);
            return new ServerHandshakeConfig(this);
        }

        private static void checkTimeout(String name, Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + timeout);
            }
            try {
                timeout.toNanos();
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(name + " too long: " + timeout, e);
            }
        }
    }
}
