package dev.nettyws.frame;

/**
 * Close status codes of RFC 6455 §7.4 and the IANA "WebSocket Close Code Number Registry", and the one rule that
 * decides which of them may travel in a close frame. The same rule serves the decoder (a peer's close frame with a
 * code that may not be sent is a protocol error, §7.4.1, §7.4.2) and the frame constructors (we never send one).
 *
 * <p>Stateless; usable from any thread. Holds no buffers.
 */
public final class CloseStatus {
    /** 1000: the purpose of the connection has been fulfilled. */
    public static final int NORMAL_CLOSURE = 1000;
    /** 1001: the endpoint is going away (server shutdown, page navigation). */
    public static final int GOING_AWAY = 1001;
    /** 1002: the peer broke the protocol. */
    public static final int PROTOCOL_ERROR = 1002;
    /** 1003: a data type the endpoint cannot accept (e.g. binary for a text-only endpoint). */
    public static final int UNSUPPORTED_DATA = 1003;
    /** 1005: reserved, never on the wire; reported when a close frame carried no status code. */
    public static final int NO_STATUS_RECEIVED = 1005;
    /** 1006: reserved, never on the wire; reported when the connection closed without a close frame. */
    public static final int ABNORMAL_CLOSURE = 1006;
    /** 1007: message data inconsistent with its type, e.g. invalid UTF-8 in a text message. */
    public static final int INVALID_PAYLOAD_DATA = 1007;
    /** 1008: a message violated the endpoint's policy. */
    public static final int POLICY_VIOLATION = 1008;
    /** 1009: a frame or message too big to process. */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** 1010: (client) the server did not negotiate an extension the client requires. */
    public static final int MANDATORY_EXTENSION = 1010;
    /** 1011: (server) an unexpected condition prevented the request from being fulfilled. */
    public static final int INTERNAL_ERROR = 1011;
    /** 1012: the service is restarting (IANA registry). */
    public static final int SERVICE_RESTART = 1012;
    /** 1013: try again later, e.g. the server is overloaded (IANA registry). */
    public static final int TRY_AGAIN_LATER = 1013;
    /** 1014: a gateway or proxy received an invalid response from upstream (IANA registry). */
    public static final int BAD_GATEWAY = 1014;
    /** 1015: reserved, never on the wire; the TLS handshake failed. */
    public static final int TLS_HANDSHAKE = 1015;

    private CloseStatus() {
    }

    /**
     * Whether {@code code} may appear in a close frame: 1000-1003 and 1007-1014 (defined by RFC 6455 and registered
     * with IANA), and 3000-4999 (libraries, frameworks and applications). Everything else, including the reserved
     * 1004, 1005, 1006 and 1015, the unassigned 1016-2999 and anything below 1000, is invalid on the wire.
     *
     * @param code a status code
     * @return {@code true} when an endpoint may send it and must accept it
     */
    public static boolean isValidOnWire(int code) {
        if (code >= 3000 && code <= 4999) {
            return true;
        }
        return code >= NORMAL_CLOSURE && code <= BAD_GATEWAY
            && code != 1004 && code != NO_STATUS_RECEIVED && code != ABNORMAL_CLOSURE;
    }

    /**
     * A short English name for a status code, for logs and error messages.
     *
     * @param code a status code
     * @return its registered name, or {@code "application"}, {@code "library"} or {@code "unknown"}
     */
    public static String name(int code) {
        switch (code) {
            case NORMAL_CLOSURE: return "normal closure";
            case GOING_AWAY: return "going away";
            case PROTOCOL_ERROR: return "protocol error";
            case UNSUPPORTED_DATA: return "unsupported data";
            case NO_STATUS_RECEIVED: return "no status received";
            case ABNORMAL_CLOSURE: return "abnormal closure";
            case INVALID_PAYLOAD_DATA: return "invalid payload data";
            case POLICY_VIOLATION: return "policy violation";
            case MESSAGE_TOO_BIG: return "message too big";
            case MANDATORY_EXTENSION: return "mandatory extension";
            case INTERNAL_ERROR: return "internal error";
            case SERVICE_RESTART: return "service restart";
            case TRY_AGAIN_LATER: return "try again later";
            case BAD_GATEWAY: return "bad gateway";
            case TLS_HANDSHAKE: return "TLS handshake";
            default:
                if (code >= 4000 && code <= 4999) {
                    return "application";
                }
                return code >= 3000 && code <= 3999 ? "library" : "unknown";
        }
    }
}
