package dev.nettyws.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One element of a {@code Sec-WebSocket-Extensions} header (RFC 6455 §9.1): an extension name and its parameters,
 * for example {@code permessage-deflate; client_max_window_bits}. A client's offers are parsed with
 * {@link #parse(Iterable)} and handed to the {@link ServerExtensionNegotiator}; {@link #toString()} writes an
 * element back in header syntax.
 *
 * <p>Immutable and thread-safe.
 */
public final class ExtensionOffer {
    private final String name;
    private final Map<String, String> parameters;
    private final boolean duplicateParameters;

    /**
     * Creates an offer.
     *
     * @param name the extension token
     * @param parameters parameter names to values (null for a parameter without a value), in order; copied
     * @throws IllegalArgumentException if a name or value is not an RFC 7230 token
     */
    public ExtensionOffer(String name, Map<String, String> parameters) {
        this(name, new LinkedHashMap<>(parameters), false);
        checkToken(name);
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            checkToken(parameter.getKey());
            if (parameter.getValue() != null) {
                checkToken(parameter.getValue());
            }
        }
    }

    private ExtensionOffer(String name, LinkedHashMap<String, String> parameters, boolean duplicateParameters) {
        this.name = Objects.requireNonNull(name, "name");
        this.parameters = Collections.unmodifiableMap(parameters);
        this.duplicateParameters = duplicateParameters;
    }

    /** The extension name, as sent. */
    public String name() {
        return name;
    }

    /**
     * The parameters in the order sent; a parameter without a value maps to null. Quoted values are unquoted. When
     * a name was repeated only its first value is here, and {@link #hasDuplicateParameters()} is true.
     */
    public Map<String, String> parameters() {
        return parameters;
    }

    /**
     * Whether a parameter name appeared more than once, which for example RFC 7692 §7 requires a server to answer
     * by declining the offer.
     */
    public boolean hasDuplicateParameters() {
        return duplicateParameters;
    }

    /**
     * Parses {@code Sec-WebSocket-Extensions} header values (RFC 6455 §9.1; the header may be repeated, and each
     * value is a comma-separated list):
     * <pre>
     *   extension-list  = 1#extension
     *   extension       = extension-token *( ";" extension-param )
     *   extension-param = token [ "=" (token | quoted-string) ]
     * </pre>
     * Empty list elements are skipped (RFC 7230 §7). A quoted value must be a token once unquoted (§9.1).
     *
     * @param headerValues the values of every {@code Sec-WebSocket-Extensions} header, in order
     * @return the offers in order; empty if there are none
     * @throws IllegalArgumentException if a value does not follow the grammar
     */
    public static List<ExtensionOffer> parse(Iterable<String> headerValues) {
        List<ExtensionOffer> offers = new ArrayList<>(2);
        for (String value : headerValues) {
            new Parser(value).parseInto(offers);
        }
        return offers;
    }

    /** The offer in header syntax, for example {@code permessage-deflate; client_max_window_bits=10}. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(name);
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            out.append("; ").append(parameter.getKey());
            if (parameter.getValue() != null) {
                out.append('=').append(parameter.getValue());
            }
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ExtensionOffer)) {
            return false;
        }
        ExtensionOffer other = (ExtensionOffer) o;
        return name.equals(other.name) && parameters.equals(other.parameters)
            && duplicateParameters == other.duplicateParameters;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + parameters.hashCode();
    }

    private static void checkToken(String value) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException("empty token");
        }
        for (int i = 0; i < value.length(); i++) {
            if (!isTokenChar(value.charAt(i))) {
                throw new IllegalArgumentException("not a token: " + value);
            }
        }
    }

    /** RFC 7230 §3.2.6 tchar. */
    public static boolean isTokenChar(char c) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
            return true;
        }
        return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** A cursor over one header value. */
    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        void parseInto(List<ExtensionOffer> offers) {
            while (true) {
                while (pos < s.length() && (isWhitespace(s.charAt(pos)) || s.charAt(pos) == ',')) {
                    pos++;
                }
                if (pos == s.length()) {
                    return;
                }
                String name = token();
                LinkedHashMap<String, String> parameters = new LinkedHashMap<>();
                boolean duplicates = false;
                skipWhitespace();
                while (pos < s.length() && s.charAt(pos) == ';') {
                    pos++;
                    skipWhitespace();
                    String parameter = token();
                    String value = null;
                    skipWhitespace();
                    if (pos < s.length() && s.charAt(pos) == '=') {
                        pos++;
                        skipWhitespace();
                        value = pos < s.length() && s.charAt(pos) == '"' ? quotedToken() : token();
                        skipWhitespace();
                    }
                    if (parameters.containsKey(parameter)) {
                        duplicates = true;
                    } else {
                        parameters.put(parameter, value);
                    }
                }
                if (pos < s.length() && s.charAt(pos) != ',') {
                    throw error("expected ',' or ';'");
                }
                offers.add(new ExtensionOffer(name, parameters, duplicates));
            }
        }

        private String token() {
            int start = pos;
            while (pos < s.length() && isTokenChar(s.charAt(pos))) {
                pos++;
            }
            if (pos == start) {
                throw error("expected a token");
            }
            return s.substring(start, pos);
        }

        /** A quoted-string (RFC 7230 §3.2.6) whose unescaped content must be a token (RFC 6455 §9.1). */
        private String quotedToken() {
            pos++;
            StringBuilder value = new StringBuilder();
            while (pos < s.length()) {
                char c = s.charAt(pos++);
                if (c == '"') {
                    String unquoted = value.toString();
                    try {
                        checkToken(unquoted);
                    } catch (IllegalArgumentException e) {
                        throw error("quoted value is not a token");
                    }
                    return unquoted;
                }
                if (c == '\\') {
                    if (pos == s.length()) {
                        break;
                    }
                    c = s.charAt(pos++);
                }
                value.append(c);
            }
            throw error("unterminated quoted string");
        }

        private void skipWhitespace() {
            while (pos < s.length() && isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private static boolean isWhitespace(char c) {
            return c == ' ' || c == '\t';
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("malformed Sec-WebSocket-Extensions at " + pos + ": " + what);
        }
    }
}
