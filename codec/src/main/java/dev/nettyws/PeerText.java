package dev.nettyws;

import java.util.Objects;

/**
 * Text that came from the peer (a request target, a header value, a close reason, an HTTP reason phrase), made safe
 * to write into a log: control characters cannot end the line and forge another ({@code \n}), move the cursor or
 * recolour a terminal ({@code ESC}, {@code BEL}, C1 controls such as {@code U+009B}), or reorder what is displayed
 * (Unicode bidirectional and other format characters); and the text cannot flood the log. nettyws uses it wherever
 * it puts peer text into a log line, an exception message or a {@code toString()}; applications should use it for
 * what they log themselves, such as {@code WebSocketClosedEvent.reason()}.
 *
 * <p>Escapes: {@code \n}, {@code \r}, {@code \t}, a backslash as {@code \\} (so every escape is unambiguous), and every
 * other C0 or C1 control, DEL, format character (Unicode category Cf: bidi controls, zero-width characters, the byte
 * order mark), line or paragraph separator and unpaired surrogate as {@code \}{@code uXXXX}. Other characters,
 * non-ASCII letters included, are kept. Stateless and thread-safe.
 */
public final class PeerText {
    /** The length {@link #forLog(CharSequence)} keeps: 256 characters, then a count of the rest. */
    public static final int DEFAULT_MAX_CHARS = 256;

    private PeerText() {
    }

    /**
     * {@code text} escaped as described above and cut after {@value #DEFAULT_MAX_CHARS} characters.
     *
     * @param text peer text, or null (gives {@code "null"})
     * @return text safe for one log line
     */
    public static String forLog(CharSequence text) {
        return forLog(text, DEFAULT_MAX_CHARS);
    }

    /**
     * {@code text} escaped as described above and cut after {@code maxChars} characters of the original (never
     * inside a surrogate pair), followed by {@code ...(N more)} when it was longer.
     *
     * @param text peer text, or null (gives {@code "null"})
     * @param maxChars how many characters of {@code text} to keep; at least 1
     * @return text safe for one log line
     * @throws IllegalArgumentException if {@code maxChars} is below 1
     */
    public static String forLog(CharSequence text, int maxChars) {
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars must be >= 1: " + maxChars);
        }
        if (text == null) {
            return "null";
        }
        int length = text.length();
        int end = Math.min(length, maxChars);
        if (end < length && Character.isHighSurrogate(text.charAt(end - 1))
            && Character.isLowSurrogate(text.charAt(end))) {
            end--;
        }
        StringBuilder out = null;
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            String escape = escape(text, i, end);
            if (escape == null) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(end + 16).append(text, 0, i);
            }
            out.append(escape);
        }
        String safe = out == null ? text.subSequence(0, end).toString() : out.toString();
        return end < length ? safe + "...(" + (length - end) + " more)" : safe;
    }

    /**
     * A throwable to log in place of {@code thrown}, whose messages may hold peer text: the same stack traces and
     * chain of causes, each message replaced by the original's {@code toString()} made safe by
     * {@link #forLog(CharSequence)} (so it still names the original class).
     *
     * @param thrown what was thrown
     * @return a throwable for the logger
     */
    public static Throwable forLog(Throwable thrown) {
        Objects.requireNonNull(thrown, "thrown");
        return copy(thrown, 0);
    }

    private static Throwable copy(Throwable thrown, int depth) {
        Throwable cause = thrown.getCause();
        Throwable safe = new Logged(forLog(thrown.toString(), 1024),
            cause == null || cause == thrown || depth >= 8 ? null : copy(cause, depth + 1));
        safe.setStackTrace(thrown.getStackTrace());
        return safe;
    }

    /** The escape of the character at {@code i}, or null to keep it. */
    private static String escape(CharSequence text, int i, int end) {
        char c = text.charAt(i);
        switch (c) {
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            case '\\':
                return "\\\\";
            default:
                break;
        }
        if (Character.isHighSurrogate(c)) {
            return i + 1 < end && Character.isLowSurrogate(text.charAt(i + 1)) ? null : unicode(c);
        }
        if (Character.isLowSurrogate(c)) {
            return i > 0 && Character.isHighSurrogate(text.charAt(i - 1)) ? null : unicode(c);
        }
        int type = Character.getType(c);
        if (type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
            || type == Character.PARAGRAPH_SEPARATOR) {
            return unicode(c);
        }
        return null;
    }

    private static String unicode(char c) {
        return String.format("\\u%04X", (int) c);
    }

    /** What {@link #forLog(Throwable)} returns: a message made safe, the original's stack. */
    private static final class Logged extends Exception {
        private static final long serialVersionUID = 1L;

        Logged(String message, Throwable cause) {
            super(message, cause, false, true);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}
