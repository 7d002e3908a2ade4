package dev.nettyws.handshake;

import java.util.Locale;

/** Normalisation of serialised origins (RFC 6454 §6.1) for {@link OriginPolicy#allowList(java.util.Collection)}. */
final class Origins {
    private Origins() {
    }

    /**
     * The origin in lower case without a default port, or null if it is not of the form {@code scheme://host[:port]}.
     */
    static String normalize(String origin) {
        String lower = origin.trim().toLowerCase(Locale.ROOT);
        int schemeEnd = lower.indexOf("://");
        if (schemeEnd <= 0) {
            return null;
        }
        String scheme = lower.substring(0, schemeEnd);
        String authority = lower.substring(schemeEnd + 3);
        if (authority.isEmpty() || authority.indexOf('/') >= 0 || authority.indexOf('?') >= 0
            || authority.indexOf('#') >= 0 || authority.indexOf('@') >= 0 || authority.indexOf(' ') >= 0) {
            return null;
        }
        String defaultPort = "http".equals(scheme) || "ws".equals(scheme) ? ":80"
            : "https".equals(scheme) || "wss".equals(scheme) ? ":443" : null;
        if (defaultPort != null && authority.endsWith(defaultPort)) {
            authority = authority.substring(0, authority.length() - defaultPort.length());
        }
        return scheme + "://" + authority;
    }
}
