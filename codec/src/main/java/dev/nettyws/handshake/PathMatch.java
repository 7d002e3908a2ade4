package dev.nettyws.handshake;

/**
 * How {@link ServerHandshakeConfig#path()} is compared with the path of a request target (the part before any
 * {@code ?}). The comparison is exact and case-sensitive on the path as sent, before percent-decoding (RFC 3986
 * §6.2.1), so configure the path the way clients write it.
 */
public enum PathMatch {
    /** The request path equals the configured path. */
    EXACT,
    /**
     * The request path equals the configured path or continues it after a {@code /}: {@code "/chat"} matches
     * {@code "/chat"} and {@code "/chat/room"}, but not {@code "/chatter"}. A configured path ending in {@code /}
     * matches every path that starts with it; {@code "/"} matches every path.
     */
    PREFIX;

    /**
     * Whether {@code requestPath} is covered by {@code configuredPath} under this rule.
     *
     * @param configuredPath the path of the WebSocket endpoint
     * @param requestPath the path of the request target, without query
     * @return whether the request is for the endpoint
     */
    public boolean matches(String configuredPath, String requestPath) {
        if (this == EXACT || requestPath.length() == configuredPath.length()) {
            return requestPath.equals(configuredPath);
        }
        return requestPath.startsWith(configuredPath)
            && (configuredPath.endsWith("/") || requestPath.charAt(configuredPath.length()) == '/');
    }
}
