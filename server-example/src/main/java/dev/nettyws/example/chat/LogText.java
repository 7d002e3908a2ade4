package dev.nettyws.example.chat;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * Peer data made safe for a log line: quoted the way JSON quotes strings (Jackson's {@link JsonStringEncoder}: C0
 * controls, quotes and backslashes escaped), plus the characters a terminal or log viewer may take for a line break
 * or a reordering of text (DEL and C1 controls, line and paragraph separators, format characters such as
 * bidirectional overrides), as {@code \\uXXXX}; cut after {@value #MAX_CHARS} characters. So a close reason or a
 * request target can never start a line of its own in the log. Stateless.
 */
final class LogText {
    static final int MAX_CHARS = 256;

    private LogText() {
    }

    /** {@code value} in double quotes, escaped; {@code null} unquoted for null. */
    static String quote(CharSequence value) {
        if (value == null) {
            return "null";
        }
        boolean cut = value.length() > MAX_CHARS;
        char[] json = JsonStringEncoder.getInstance().quoteAsString(cut ? value.subSequence(0, MAX_CHARS) : value);
        StringBuilder out = new StringBuilder(json.length + 8).append('"');
        for (char c : json) {
            int type = Character.getType(c);
            if (c >= 0x7f && (type == Character.CONTROL || type == Character.FORMAT
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR)) {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append(cut ? "\"..." : "\"").toString();
    }
}
