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
        int start = authorityStart(target);
        if (start < 0) {
            return target;
        }
        int pathStart = authorityEnd(target, start);
        if (pathStart == target.length() || target.charAt(pathStart) != '/') {
            return "/" + target.substring(pathStart);
        }
        return target.substring(pathStart);
    }

    /**
     * The authority of an absolute-form target ({@code evil.example:80} in {@code http://evil.example:80/chat}),
     * unparsed; null for a target of another form.
     */
    public static String absoluteFormAuthority(String target) {
        int start = authorityStart(target);
        return start < 0 ? null : target.substring(start, authorityEnd(target, start));
    }

    /** Where the authority of an absolute-form target starts, after {@code scheme://}; -1 for other forms. */
    private static int authorityStart(String target) {
        if (target.startsWith("/")) {
            return -1;
        }
        int schemeEnd = target.indexOf("://");
        return schemeEnd <= 0 ? -1 : schemeEnd + 3;
    }

    /** Where the authority starting at {@code start} ends: at the path, query or fragment, or the end. */
    private static int authorityEnd(String target, int start) {
        int end = start;
        while (end < target.length() && "/?#".indexOf(target.charAt(end)) < 0) {
            end++;
        }
        return end;
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
