package dev.nettyws.handshake;

import dev.nettyws.internal.HttpTokens;
import dev.nettyws.internal.RequestTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
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

    /** Endpoint {@code "/"} (exact), no subprotocols, every origin, a 10 second timeout. */
    public static final ServerHandshakeConfig DEFAULT = builder().build();

    private final String path;
    private final boolean matchPrefix;
    private final List<String> subprotocols;
    private final boolean requireSubprotocol;
    private final OriginPolicy originPolicy;
    private final boolean allowMissingOrigin;
    private final HandshakeInterceptor interceptor;
    private final Duration handshakeTimeout;

    private ServerHandshakeConfig(Builder builder) {
        this.path = builder.path;
        this.matchPrefix = builder.matchPrefix;
        this.subprotocols = Collections.unmodifiableList(new ArrayList<>(builder.subprotocols));
        this.requireSubprotocol = builder.requireSubprotocol;
        this.originPolicy = builder.originPolicy;
        this.allowMissingOrigin = builder.allowMissingOrigin;
        this.interceptor = builder.interceptor;
        this.handshakeTimeout = builder.handshakeTimeout;
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

    /** Which {@code Origin}s may connect (§4.2.2 item 4, §10.2); others get 403. Default: all. */
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

    /** The application's check of each handshake (authentication), run after the protocol checks. Default: none. */
    public HandshakeInterceptor interceptor() {
        return interceptor;
    }

    /**
     * How long a connection may go without a request head while no HTTP response is outstanding: from the moment
     * the connection is accepted (the upgrade handler's {@code channelActive}, or {@code handlerAdded} on an
     * active channel), not from when a request starts, so that a client sending its request slowly (slowloris)
     * cannot hold a connection open. On expiry the server answers {@code 408 Request Timeout} and closes. On a
     * connection that also serves plain HTTP, the clock restarts after each response, so it also bounds keep-alive
     * idleness. Default 10 seconds.
     */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    @Override
    public String toString() {
        return "ServerHandshakeConfig(path=" + path + ", matchPrefix=" + matchPrefix + ", subprotocols=" + subprotocols
            + ", requireSubprotocol=" + requireSubprotocol + ", allowMissingOrigin=" + allowMissingOrigin
            + ", handshakeTimeout=" + handshakeTimeout + ')';
    }

    /** Builds a {@link ServerHandshakeConfig}; checks the values in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private String path = "/";
        private boolean matchPrefix;
        private List<String> subprotocols = List.of();
        private boolean requireSubprotocol;
        private OriginPolicy originPolicy = OriginPolicy.allowAll();
        private boolean allowMissingOrigin = true;
        private HandshakeInterceptor interceptor = HandshakeInterceptor.ACCEPT_ALL;
        private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;

        private Builder() {
        }

        private Builder(ServerHandshakeConfig config) {
            this.path = config.path;
            this.matchPrefix = config.matchPrefix;
            this.subprotocols = config.subprotocols;
            this.requireSubprotocol = config.requireSubprotocol;
            this.originPolicy = config.originPolicy;
            this.allowMissingOrigin = config.allowMissingOrigin;
            this.interceptor = config.interceptor;
            this.handshakeTimeout = config.handshakeTimeout;
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

        /**
         * Checks the values and builds the configuration.
         *
         * @throws IllegalArgumentException if the path does not start with {@code /} or holds {@code ?}, {@code #}
         *     or whitespace; a subprotocol is not an RFC 7230 token or is listed twice; a subprotocol is required
         *     but none is configured; or the timeout is not positive or does not fit in a long of nanoseconds
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
            if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
                throw new IllegalArgumentException("handshakeTimeout must be positive: " + handshakeTimeout);
            }
            try {
                handshakeTimeout.toNanos();
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("handshakeTimeout too long: " + handshakeTimeout, e);
            }
            return new ServerHandshakeConfig(this);
        }
    }
}
