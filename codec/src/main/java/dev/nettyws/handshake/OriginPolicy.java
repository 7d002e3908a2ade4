package dev.nettyws.handshake;

import dev.nettyws.internal.Origins;
import java.util.Collection;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Decides whether a handshake from a given {@code Origin} (RFC 6454) is accepted; a refused origin is answered
 * {@code 403 Forbidden} (RFC 6455 §4.2.2 item 4, §10.2). Browsers always send the header on a WebSocket handshake, and
 * a page cannot forge it, so checking it is what keeps the pages of other sites from using a visitor's browser (and
 * its cookies, and its access to {@code localhost}) to talk to the endpoint: cross-site WebSocket hijacking. Whether
 * a request <em>without</em> an {@code Origin} (a non-browser client) is accepted is
 * {@link ServerHandshakeConfig#allowMissingOrigin()}.
 *
 * <p>The default, {@link #sameOrigin()}, accepts only pages served by the server itself, as the request addressed it:
 * the {@code Origin} must equal the connection's scheme ({@code https} over TLS, else {@code http}) with the
 * request's {@code Host}. That is only safe together with the check of the {@code Host} itself
 * ({@link ServerHandshakeConfig#allowedHosts()}): a page of {@code evil.example} whose name an attacker re-points at
 * this server (DNS rebinding) is same-origin with a request for {@code evil.example}, which the host check refuses.
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
     *     {@code "null"} (a sandboxed page, a file, a redirect across sites)
     * @param serverOrigin the origin of the server as this request addressed it, normalised: scheme, lower-case host
     *     and port unless it is the scheme's default, for example {@code "http://localhost:8080"}
     * @return true to accept
     */
    boolean allows(String origin, String serverOrigin);

    /**
     * A policy accepting what this one or {@code other} accepts.
     *
     * @param other the second policy
     * @return the combined policy
     */
    default OriginPolicy or(OriginPolicy other) {
        Objects.requireNonNull(other, "other");
        return (origin, serverOrigin) -> allows(origin, serverOrigin) || other.allows(origin, serverOrigin);
    }

    /**
     * The default: accepts only the server's own origin as the request addressed it (scheme, host and port; the
     * comparison ignores case and default ports). {@code "null"} is refused.
     */
    static OriginPolicy sameOrigin() {
        return (origin, serverOrigin) -> serverOrigin.equals(Origins.normalize(origin));
    }

    /**
     * A policy accepting every origin, {@code "null"} included: for endpoints that authenticate every handshake by
     * means a page of another site cannot use (a token in the request, not a cookie), or that no browser reaches.
     */
    static OriginPolicy allowAll() {
        return (origin, serverOrigin) -> true;
    }

    /**
     * A policy accepting the server's own origin (as {@link #sameOrigin()}) and exactly the listed ones, compared
     * case-insensitively (RFC 6454 §6.2 serialises scheme and host in lower case), with a default port ({@code :80}
     * for http/ws, {@code :443} for https/wss) treated as absent on both sides. For pages served elsewhere, and for
     * the public origin of a server behind a proxy that terminates TLS (the connection is then plain http, the page
     * https). The opaque origin {@code "null"} is never accepted.
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
        return (origin, serverOrigin) -> {
            String normalized = Origins.normalize(origin);
            return normalized != null && (normalized.equals(serverOrigin) || allowed.contains(normalized));
        };
    }

    /**
     * A policy accepting exactly the origins {@code predicate} accepts, for example all subdomains of a site;
     * combine it with {@link #sameOrigin()} through {@link #or(OriginPolicy)} to accept the server's own pages too.
     *
     * @param predicate tested with the {@code Origin} header value as sent
     * @return the policy
     */
    static OriginPolicy matching(Predicate<String> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        return (origin, serverOrigin) -> predicate.test(origin);
    }
}
