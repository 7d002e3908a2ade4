package dev.nettyws.internal;

import io.netty.util.NetUtil;
import java.util.List;
import java.util.Locale;

/**
 * The {@code host[:port]} of a {@code Host} header (RFC 9110 §7.2), of an absolute-form request target (RFC 9112
 * §3.2.2) or of a serialised origin (RFC 6454 §6.2), parsed strictly: an IPv4 address, an IPv6 address in brackets,
 * or a DNS-like name (letters, digits, {@code - . _ ~}); a port of 0 to 65535. Anything else, including user
 * information, percent-encoding and whitespace, is not an authority this server answers to. Immutable.
 */
public final class Authority {
    private static final int MAX_HOST_LENGTH = 255;

    /** The host in lower case; an IPv6 address keeps its brackets. */
    final String host;
    /** The port, or -1 when absent. */
    public final int port;

    private Authority(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** Parses {@code text}, or returns null if it is not an authority of the form above. */
    public static Authority parse(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        int portStart;
        String host;
        if (lower.charAt(0) == '[') {
            int close = lower.indexOf(']');
            if (close < 0 || !NetUtil.isValidIpV6Address(lower.substring(1, close))) {
                return null;
            }
            host = lower.substring(0, close + 1);
            portStart = close + 1;
        } else {
            int colon = lower.indexOf(':');
            host = colon < 0 ? lower : lower.substring(0, colon);
            portStart = colon < 0 ? lower.length() : colon;
            if (!isName(host)) {
                return null;
            }
        }
        int port = -1;
        if (portStart < lower.length()) {
            if (lower.charAt(portStart) != ':') {
                return null;
            }
            port = parsePort(lower.substring(portStart + 1));
            if (port == -2) {
                return null;
            }
        }
        return new Authority(host, port);
    }

    /** The port, -1 for an empty one (RFC 3986 §3.2.3 allows "host:"), or -2 if it is not a port. */
    private static int parsePort(String digits) {
        if (digits.isEmpty()) {
            return -1;
        }
        if (digits.length() > 5) {
            return -2;
        }
        int port = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return -2;
            }
            port = port * 10 + c - '0';
        }
        return port <= 65535 ? port : -2;
    }

    /** Whether {@code host} is a lower-case IPv4 address or DNS-like name. */
    public static boolean isName(String host) {
        if (host.isEmpty() || host.length() > MAX_HOST_LENGTH) {
            return false;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~')) {
                return false;
            }
        }
        return true;
    }

    /** Whether the host is an IP address (v4, or v6 in brackets) rather than a name. */
    public boolean isIpLiteral() {
        return host.charAt(0) == '[' || NetUtil.isValidIpV4Address(host);
    }

    /** The host without a trailing dot (the fully qualified form of the same name). */
    public String name() {
        return host.endsWith(".") && host.length() > 1 ? host.substring(0, host.length() - 1) : host;
    }

    /**
     * Whether a handshake may address this authority: IP addresses and {@code localhost} always, names when
     * {@code allowedHosts} lists them (see {@code ServerHandshakeConfig.allowedHosts()}).
     */
    public boolean isAllowedBy(List<String> allowedHosts) {
        if (isIpLiteral()) {
            return true;
        }
        String name = name();
        if ("localhost".equals(name) || name.endsWith(".localhost")) {
            return true;
        }
        for (String allowed : allowedHosts) {
            if ("*".equals(allowed) || allowed.equals(name)
                || allowed.startsWith(".") && (name.endsWith(allowed) || name.equals(allowed.substring(1)))) {
                return true;
            }
        }
        return false;
    }

    /** {@code host[:port]}, with the port only when it is present and not {@code defaultPort}. */
    public String toString(int defaultPort) {
        return port < 0 || port == defaultPort ? host : host + ':' + port;
    }

    @Override
    public String toString() {
        return toString(-1);
    }
}
