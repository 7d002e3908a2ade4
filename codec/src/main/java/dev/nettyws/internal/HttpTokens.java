package dev.nettyws.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * HTTP list and token syntax (RFC 9110 §5.6) as the client handshake needs it: splitting comma-separated header
 * values, checking tokens. Stateless.
 */
public final class HttpTokens {
    private HttpTokens() {
    }

    /** Whether {@code s} is a non-empty token: visible ASCII without separators (RFC 9110 §5.6.2). */
    public static boolean isToken(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7F || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code s} holds a CR or LF, which would split a header. */
    public static boolean hasLineBreak(String s) {
        return s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0;
    }

    /**
     * The trimmed, non-empty elements of every value, in order (RFC 9110 §5.6.1: empty elements are ignored). A
     * comma inside a quoted string does not split, so extension parameters with quoted values survive.
     *
     * @throws IllegalArgumentException if a quoted string is not terminated
     */
    public static List<String> elements(Iterable<String> values) {
        List<String> elements = new ArrayList<>();
        for (String value : values) {
            int start = 0;
            boolean quoted = false;
            int length = value.length();
            for (int i = 0; i < length; i++) {
                char c = value.charAt(i);
                if (c == '"') {
                    quoted = !quoted;
                } else if (c == '\\' && quoted) {
                    i++;
                } else if (c == ',' && !quoted) {
                    addElement(elements, value.substring(start, i));
                    start = i + 1;
                }
            }
            if (quoted) {
                throw new IllegalArgumentException("unterminated quoted string in \"" + value + '"');
            }
            addElement(elements, value.substring(Math.min(start, length)));
        }
        return elements;
    }

    private static void addElement(List<String> elements, String element) {
        String trimmed = element.trim();
        if (!trimmed.isEmpty()) {
            elements.add(trimmed);
        }
    }
}
