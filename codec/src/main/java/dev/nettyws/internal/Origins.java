package dev.nettyws.internal;

import java.util.Locale;

/**
 * Serialised origins (RFC 6454 §6.2) for {@link dev.nettyws.handshake.OriginPolicy}: normalised for comparison, and
 * the origin a request was addressed to.
 */
public final class Origins {
    private Origins() {
    }

    /**
     * The origin in lower case without a default port ({@code :80} for http/ws, {@code :443} for https/wss), or null
     * if it is not of the form {@code scheme://host[:port]} (the opaque origin {@code "null"} is not).
     */
    public static String normalize(String origin) {
        String trimmed = origin.trim();
        int schemeEnd = trimmed.indexOf("://");
        if (schemeEnd <= 0) {
            return null;
        }
        String scheme = trimmed.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (!isScheme(scheme)) {
            return null;
        }
        Authority authority = Authority.parse(trimmed.substring(schemeEnd + 3));
        return authority == null ? null : scheme + "://" + authority.toString(defaultPort(scheme));
    }

    /**
     * The origin of a request for {@code authority} over a connection with or without TLS, normalised: what the
     * {@code Origin} of a page served by this server at that address would be.
     */
    public static String serverOrigin(Authority authority, boolean tls) {
        String scheme = tls ? "https" : "http";
        return scheme + "://" + authority.toString(defaultPort(scheme));
    }

    private static int defaultPort(String scheme) {
        switch (scheme) {
            case "http":
            case "ws":
                return 80;
            case "https":
            case "wss":
                return 443;
            default:
                return -1;
        }
    }

    /** RFC 3986 §3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), here already in lower case. */
    private static boolean isScheme(String scheme) {
        for (int i = 0; i < scheme.length(); i++) {
            char c = scheme.charAt(i);
            boolean letter = c >= 'a' && c <= 'z';
            if (!letter && (i == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'))) {
                return false;
            }
        }
        return true;
    }
}
