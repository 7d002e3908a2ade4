package dev.nettyws.internal.deflate;

import dev.nettyws.extension.deflate.PerMessageDeflateConfig;
import dev.nettyws.frame.Role;
import dev.nettyws.internal.ExtensionOffer;
import java.util.Map;

/**
 * The parameters of one permessage-deflate offer or response (RFC 7692 §7), checked against the RFC's grammar:
 * {@code server_no_context_takeover} and {@code client_no_context_takeover} without a value,
 * {@code server_max_window_bits} with a value 8 to 15, {@code client_max_window_bits} with or without one (an offer
 * may leave the value out, a response may not). Window bits absent from the header read as 0 here; use
 * {@link #effectiveServerWindowBits()} and {@link #effectiveClientWindowBits()} for the window in force.
 *
 * <p>Immutable and thread-safe.
 */
public final class PerMessageDeflateParameters {
    /** The extension token, {@value}. */
    public static final String EXTENSION_NAME = "permessage-deflate";
    /** §7.1.1.1. */
    public static final String SERVER_NO_CONTEXT_TAKEOVER = "server_no_context_takeover";
    /** §7.1.1.2. */
    public static final String CLIENT_NO_CONTEXT_TAKEOVER = "client_no_context_takeover";
    /** §7.1.2.1. */
    public static final String SERVER_MAX_WINDOW_BITS = "server_max_window_bits";
    /** §7.1.2.2. */
    public static final String CLIENT_MAX_WINDOW_BITS = "client_max_window_bits";
    /** {@link #clientMaxWindowBits()} of an offer that names {@code client_max_window_bits} without a value. */
    public static final int NO_VALUE = -1;

    private final boolean serverNoContextTakeover;
    private final boolean clientNoContextTakeover;
    private final int serverMaxWindowBits;
    private final int clientMaxWindowBits;

    /**
     * Creates parameters.
     *
     * @param serverNoContextTakeover whether {@code server_no_context_takeover} is present
     * @param clientNoContextTakeover whether {@code client_no_context_takeover} is present
     * @param serverMaxWindowBits 8 to 15, or 0 when absent
     * @param clientMaxWindowBits 8 to 15, 0 when absent, or {@link #NO_VALUE}
     * @throws IllegalArgumentException for other window values
     */
    public PerMessageDeflateParameters(boolean serverNoContextTakeover, boolean clientNoContextTakeover,
            int serverMaxWindowBits, int clientMaxWindowBits) {
        if (serverMaxWindowBits != 0 && !isWindowBits(serverMaxWindowBits)) {
            throw new IllegalArgumentException("server_max_window_bits must be 8 to 15: " + serverMaxWindowBits);
        }
        if (clientMaxWindowBits != 0 && clientMaxWindowBits != NO_VALUE && !isWindowBits(clientMaxWindowBits)) {
            throw new IllegalArgumentException("client_max_window_bits must be 8 to 15: " + clientMaxWindowBits);
        }
        this.serverNoContextTakeover = serverNoContextTakeover;
        this.clientNoContextTakeover = clientNoContextTakeover;
        this.serverMaxWindowBits = serverMaxWindowBits;
        this.clientMaxWindowBits = clientMaxWindowBits;
    }

    /**
     * Parses the parameters of a permessage-deflate element.
     *
     * @param element an offer (from a client) or a response (from a server) named {@value #EXTENSION_NAME}
     * @param response whether it is a response, in which {@code client_max_window_bits} needs a value
     * @return the parameters
     * @throws IllegalArgumentException naming the first rule of §7 the element breaks: a parameter repeated, one
     *     not defined by RFC 7692, a value where none belongs, a window value missing or outside 8-15
     */
    public static PerMessageDeflateParameters parse(ExtensionOffer element, boolean response) {
        if (!EXTENSION_NAME.equalsIgnoreCase(element.name())) {
            throw new IllegalArgumentException("not " + EXTENSION_NAME + ": " + element.name());
        }
        if (element.hasDuplicateParameters()) {
            throw new IllegalArgumentException("a parameter appears more than once");
        }
        boolean serverNoContextTakeover = false;
        boolean clientNoContextTakeover = false;
        int serverMaxWindowBits = 0;
        int clientMaxWindowBits = 0;
        for (Map.Entry<String, String> parameter : element.parameters().entrySet()) {
            String name = parameter.getKey();
            String value = parameter.getValue();
            switch (name) {
                case SERVER_NO_CONTEXT_TAKEOVER:
                    checkNoValue(name, value);
                    serverNoContextTakeover = true;
                    break;
                case CLIENT_NO_CONTEXT_TAKEOVER:
                    checkNoValue(name, value);
                    clientNoContextTakeover = true;
                    break;
                case SERVER_MAX_WINDOW_BITS:
                    if (value == null) {
                        throw new IllegalArgumentException(name + " needs a value");
                    }
                    serverMaxWindowBits = windowBits(name, value);
                    break;
                case CLIENT_MAX_WINDOW_BITS:
                    if (value == null) {
                        if (response) {
                            throw new IllegalArgumentException(name + " needs a value in a response");
                        }
                        clientMaxWindowBits = NO_VALUE;
                    } else {
                        clientMaxWindowBits = windowBits(name, value);
                    }
                    break;
                default:
                    throw new IllegalArgumentException("unknown parameter " + name);
            }
        }
        return new PerMessageDeflateParameters(serverNoContextTakeover, clientNoContextTakeover, serverMaxWindowBits,
            clientMaxWindowBits);
    }

    private static void checkNoValue(String name, String value) {
        if (value != null) {
            throw new IllegalArgumentException(name + " takes no value: " + value);
        }
    }

    /** §7.1.2.1: {@code "8" / "9" / "10" / ... / "15"}, decimal without leading zeros. */
    private static int windowBits(String name, String value) {
        boolean digits = value.length() == 1 ? value.charAt(0) == '8' || value.charAt(0) == '9'
            : value.length() == 2 && value.charAt(0) == '1' && value.charAt(1) >= '0' && value.charAt(1) <= '5';
        if (!digits) {
            throw new IllegalArgumentException(name + " must be 8 to 15: " + value);
        }
        return Integer.parseInt(value);
    }

    private static boolean isWindowBits(int bits) {
        return bits >= PerMessageDeflateConfig.MIN_WINDOW_BITS && bits <= PerMessageDeflateConfig.MAX_WINDOW_BITS;
    }

    /** Whether {@code server_no_context_takeover} is present. */
    public boolean serverNoContextTakeover() {
        return serverNoContextTakeover;
    }

    /** Whether {@code client_no_context_takeover} is present. */
    public boolean clientNoContextTakeover() {
        return clientNoContextTakeover;
    }

    /** The value of {@code server_max_window_bits}, or 0 when absent. */
    public int serverMaxWindowBits() {
        return serverMaxWindowBits;
    }

    /** The value of {@code client_max_window_bits}, 0 when absent, {@link #NO_VALUE} when present without value. */
    public int clientMaxWindowBits() {
        return clientMaxWindowBits;
    }

    /** The server's window in force: {@link #serverMaxWindowBits()}, or 15 when absent. */
    public int effectiveServerWindowBits() {
        return serverMaxWindowBits > 0 ? serverMaxWindowBits : PerMessageDeflateConfig.MAX_WINDOW_BITS;
    }

    /** The client's window in force: {@link #clientMaxWindowBits()}, or 15 when absent or without value. */
    public int effectiveClientWindowBits() {
        return clientMaxWindowBits > 0 ? clientMaxWindowBits : PerMessageDeflateConfig.MAX_WINDOW_BITS;
    }

    /** Whether the endpoint of {@code role} resets its compression context after each message it sends. */
    public boolean noContextTakeover(Role role) {
        return role == Role.SERVER ? serverNoContextTakeover : clientNoContextTakeover;
    }

    /** The window the endpoint of {@code role} compresses with. */
    public int windowBits(Role role) {
        return role == Role.SERVER ? effectiveServerWindowBits() : effectiveClientWindowBits();
    }

    /** The element in header syntax, for example {@code permessage-deflate; client_max_window_bits=10}. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(EXTENSION_NAME);
        if (serverNoContextTakeover) {
            out.append("; ").append(SERVER_NO_CONTEXT_TAKEOVER);
        }
        if (clientNoContextTakeover) {
            out.append("; ").append(CLIENT_NO_CONTEXT_TAKEOVER);
        }
        if (serverMaxWindowBits > 0) {
            out.append("; ").append(SERVER_MAX_WINDOW_BITS).append('=').append(serverMaxWindowBits);
        }
        if (clientMaxWindowBits == NO_VALUE) {
            out.append("; ").append(CLIENT_MAX_WINDOW_BITS);
        } else if (clientMaxWindowBits > 0) {
            out.append("; ").append(CLIENT_MAX_WINDOW_BITS).append('=').append(clientMaxWindowBits);
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PerMessageDeflateParameters)) {
            return false;
        }
        PerMessageDeflateParameters other = (PerMessageDeflateParameters) o;
        return serverNoContextTakeover == other.serverNoContextTakeover
            && clientNoContextTakeover == other.clientNoContextTakeover
            && serverMaxWindowBits == other.serverMaxWindowBits && clientMaxWindowBits == other.clientMaxWindowBits;
    }

    @Override
    public int hashCode() {
        return ((Boolean.hashCode(serverNoContextTakeover) * 31 + Boolean.hashCode(clientNoContextTakeover)) * 31
            + serverMaxWindowBits) * 31 + clientMaxWindowBits;
    }
}
