package dev.nettyws.handshake;

import dev.nettyws.internal.ExtensionOffer;
import dev.nettyws.internal.HttpTokens;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.ReadOnlyHttpHeaders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a client puts into its opening handshake request (RFC 6455 §4.1) besides the target URI: the subprotocols
 * and extensions it offers, an {@code Origin}, extra headers (cookies, authorization), and how long it waits for the
 * server's answer. Immutable; build one with {@link #builder()} or start from {@link #DEFAULT}.
 *
 * <p>Safe to share between channels and threads: the client's handshaker draws a fresh
 * {@code Sec-WebSocket-Key} per connection, not per configuration. Holds no buffers.
 */
public final class ClientHandshakeConfig {
    /** Default {@link #handshakeTimeout()}: 10 seconds. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    /** Headers the handshaker writes itself; the extra headers may not set them. */
    private static final List<CharSequence> RESERVED_HEADERS = Arrays.asList(HttpHeaderNames.HOST,
        HttpHeaderNames.UPGRADE, HttpHeaderNames.CONNECTION, HttpHeaderNames.SEC_WEBSOCKET_KEY,
        HttpHeaderNames.SEC_WEBSOCKET_VERSION, HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL,
        HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS, HttpHeaderNames.ORIGIN, HttpHeaderNames.SEC_WEBSOCKET_ACCEPT,
        HttpHeaderNames.CONTENT_LENGTH, HttpHeaderNames.TRANSFER_ENCODING);

    /** No subprotocols, no extensions, no origin, no extra headers, a 10 second timeout. */
    public static final ClientHandshakeConfig DEFAULT = builder().build();

    private final List<String> subprotocols;
    private final List<String> extensions;
    private final String origin;
    private final HttpHeaders headers;
    private final Duration handshakeTimeout;

    private ClientHandshakeConfig(Builder builder) {
        this.subprotocols = Collections.unmodifiableList(new ArrayList<>(builder.subprotocols));
        this.extensions = Collections.unmodifiableList(new ArrayList<>(builder.extensions));
        this.origin = builder.origin;
        this.headers = new ReadOnlyHttpHeaders(true, flatten(builder.headers));
        this.handshakeTimeout = builder.handshakeTimeout;
    }

    private static CharSequence[] flatten(HttpHeaders headers) {
        List<CharSequence> nameValues = new ArrayList<>();
        for (Map.Entry<String, String> header : headers) {
            nameValues.add(header.getKey());
            nameValues.add(header.getValue());
        }
        return nameValues.toArray(new CharSequence[0]);
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
     * The subprotocols offered in {@code Sec-WebSocket-Protocol}, in order of preference (§4.1 item 10); empty for
     * none. The server may select one of them or none; selecting another fails the handshake.
     */
    public List<String> subprotocols() {
        return subprotocols;
    }

    /**
     * The extension offers sent in {@code Sec-WebSocket-Extensions}, each an element in header syntax such as
     * {@code permessage-deflate; client_max_window_bits} (§9.1); empty for none. An extension in the answer that
     * was not offered fails the handshake. Installing the handlers of an accepted extension is the application's
     * job (see {@link HandshakeCompletedEvent#extensions()}); permessage-deflate is not offered here but with
     * {@code WebSocketClientConfig.compression()}, which installs its handlers too.
     */
    public List<String> extensions() {
        return extensions;
    }

    /** The {@code Origin} header value (§4.1 item 8, §10.2), or null to send none (the default, as non-browsers do). */
    public String origin() {
        return origin;
    }

    /** Extra request headers, such as {@code Cookie} or {@code Authorization}; read-only, possibly empty. */
    public HttpHeaders headers() {
        return headers;
    }

    /**
     * How long the client waits from the start of the connection attempt until the server's answer has been
     * validated; on expiry the connection fails and is closed.
     */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    @Override
    public String toString() {
        return "ClientHandshakeConfig(subprotocols=" + subprotocols + ", extensions=" + extensions + ", origin="
            + origin + ", headers=" + headers.names() + ", handshakeTimeout=" + handshakeTimeout + ')';
    }

    /** Builds a {@link ClientHandshakeConfig}; checks the values in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private final List<String> subprotocols = new ArrayList<>();
        private final List<String> extensions = new ArrayList<>();
        private String origin;
        private final HttpHeaders headers = new DefaultHttpHeaders();
        private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;

        private Builder() {
        }

        private Builder(ClientHandshakeConfig config) {
            subprotocols.addAll(config.subprotocols);
            extensions.addAll(config.extensions);
            origin = config.origin;
            headers.add(config.headers);
            handshakeTimeout = config.handshakeTimeout;
        }

        /** Replaces the offered subprotocols; see {@link ClientHandshakeConfig#subprotocols()}. */
        public Builder subprotocols(String... subprotocols) {
            return subprotocols(Arrays.asList(subprotocols));
        }

        /** Replaces the offered subprotocols; see {@link ClientHandshakeConfig#subprotocols()}. */
        public Builder subprotocols(List<String> subprotocols) {
            this.subprotocols.clear();
            for (String subprotocol : subprotocols) {
                this.subprotocols.add(Objects.requireNonNull(subprotocol, "subprotocol"));
            }
            return this;
        }

        /** Replaces the extension offers; see {@link ClientHandshakeConfig#extensions()}. */
        public Builder extensions(String... extensions) {
            return extensions(Arrays.asList(extensions));
        }

        /** Replaces the extension offers; see {@link ClientHandshakeConfig#extensions()}. */
        public Builder extensions(List<String> extensions) {
            this.extensions.clear();
            for (String extension : extensions) {
                this.extensions.add(Objects.requireNonNull(extension, "extension"));
            }
            return this;
        }

        /** See {@link ClientHandshakeConfig#origin()}; null for none. */
        public Builder origin(String origin) {
            this.origin = origin;
            return this;
        }

        /** Adds an extra request header; see {@link ClientHandshakeConfig#headers()}. */
        public Builder header(CharSequence name, Object value) {
            headers.add(name, value);
            return this;
        }

        /** Removes every extra header. */
        public Builder clearHeaders() {
            headers.clear();
            return this;
        }

        /** See {@link ClientHandshakeConfig#handshakeTimeout()}; must be positive. */
        public Builder handshakeTimeout(Duration handshakeTimeout) {
            this.handshakeTimeout = Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
            return this;
        }

        /**
         * Checks the values and builds the configuration.
         *
         * @throws IllegalArgumentException if a subprotocol is not an HTTP token or repeated (§4.1 item 10), an
         *     extension offer is not one element of the §9.1 grammar, an extra header would override one the handshake
         *     writes itself, the origin holds a line break, or the timeout is not positive
         */
        public ClientHandshakeConfig build() {
            for (int i = 0; i < subprotocols.size(); i++) {
                String subprotocol = subprotocols.get(i);
                if (!HttpTokens.isToken(subprotocol)) {
                    throw new IllegalArgumentException("subprotocol is not a token: \"" + subprotocol + '"');
                }
                if (subprotocols.subList(0, i).contains(subprotocol)) {
                    throw new IllegalArgumentException("subprotocol offered twice: " + subprotocol);
                }
            }
            for (String extension : extensions) {
                // One element each, so that the offers can be joined with commas.
                if (ExtensionOffer.parse(List.of(extension)).size() != 1) {
                    throw new IllegalArgumentException("not one extension offer: \"" + extension + '"');
                }
            }
            if (origin != null && HttpTokens.hasLineBreak(origin)) {
                throw new IllegalArgumentException("origin holds a line break");
            }
            for (CharSequence reserved : RESERVED_HEADERS) {
                if (headers.contains(reserved)) {
                    throw new IllegalArgumentException("header " + reserved + " is written by the handshake itself");
                }
            }
            if (handshakeTimeout.isZero() || handshakeTimeout.isNegative()) {
                throw new IllegalArgumentException("handshakeTimeout must be positive: " + handshakeTimeout);
            }
            return new ClientHandshakeConfig(this);
        }
    }
}
