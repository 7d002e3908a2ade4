package dev.nettyws.internal;

/** The parts of an HTTP request target (RFC 7230 §5.3) the handshake needs. */
public final class RequestTarget {
    private RequestTarget() {
    }

    /**
     * The origin form of a request target: an absolute-form target ({@code http://host/chat?x}), which a server
     * must accept (RFC 7230 §5.3.2), loses its scheme and authority ({@code /chat?x}).
     */
    public static String originForm(String target) {
        if (target.startsWith("/")) {
            return target;
        }
        int schemeEnd = target.indexOf("://");
        if (schemeEnd <= 0) {
            return target;
        }
        int pathStart = schemeEnd + 3;
        while (pathStart < target.length() && "/?#".indexOf(target.charAt(pathStart)) < 0) {
            pathStart++;
        }
        if (pathStart == target.length() || target.charAt(pathStart) != '/') {
            return "/" + target.substring(pathStart);
        }
        return target.substring(pathStart);
    }

    /** The path of an origin-form target: everything before {@code ?} or {@code #}, not percent-decoded. */
    public static String rawPath(String originForm) {
        for (int i = 0; i < originForm.length(); i++) {
            char c = originForm.charAt(i);
            if (c == '?' || c == '#') {
                return originForm.substring(0, i);
            }
        }
        return originForm;
    }
}
