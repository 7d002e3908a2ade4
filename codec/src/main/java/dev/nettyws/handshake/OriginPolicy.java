package dev.nettyws.handshake;

import java.util.Collection;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Decides whether a handshake from a given {@code Origin} (RFC 6454) is accepted; a refused origin is answered
 * {@code 403 Forbidden} (RFC 6455 §4.2.2 item 4, §10.2). Browsers always send the header, so checking it is what
 * protects a WebSocket endpoint from pages of other sites (cross-site WebSocket hijacking). Whether a request
 * <em>without</em> an {@code Origin} is accepted is {@link ServerHandshakeConfig#allowMissingOrigin()}.
 *
 * <p>Called on the channel's event loop for each handshake; must not block. Implementations are shared by every
 * channel, so they must be thread-safe. Holds no buffers.
 */
@FunctionalInterface
public interface OriginPolicy {
    /**
     * Whether a handshake from {@code origin} is accepted.
     *
     * @param origin the {@code Origin} header value as sent, for example {@code "https://example.com"} or
     *     {@code "null"}
     * @return true to accept
     */
    boolean allows(String origin);

    /** A policy accepting every origin: for endpoints that authenticate by other means, or serve no browsers. */
    static OriginPolicy allowAll() {
        return origin -> true;
    }

    /**
     * A policy accepting exactly the listed origins, compared case-insensitively (RFC 6454 §6.1 serialises scheme
     * and host in lower case), with a default port ({@code :80} for http/ws, {@code :443} for https/wss) treated as
     * absent on both sides. The opaque origin {@code "null"} is never accepted.
     *
     * @param origins entries of the form {@code scheme://host[:port]}, without path or trailing slash
     * @return the policy
     * @throws IllegalArgumentException if an entry is not of that form
     */
    static OriginPolicy allowList(Collection<String> origins) {
        Set<String> allowed = new HashSet<>();
        for (String origin : origins) {
            String normalized = Origins.normalize(Objects.requireNonNull(origin, "origin"));
            if (normalized == null) {
                throw new IllegalArgumentException("not an origin of the form scheme://host[:port]: " + origin);
            }
            allowed.add(normalized);
        }
        return origin -> {
            String normalized = Origins.normalize(origin);
            return normalized != null && allowed.contains(normalized);
        };
    }

    /**
     * A policy accepting the origins {@code predicate} accepts, for example all subdomains of a site.
     *
     * @param predicate tested with the {@code Origin} header value as sent
     * @return the policy
     */
    static OriginPolicy matching(Predicate<String> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        return predicate::test;
    }
}
