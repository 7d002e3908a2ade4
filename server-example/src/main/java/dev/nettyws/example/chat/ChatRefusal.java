package dev.nettyws.example.chat;

/**
 * A join the chat refused; the message is the reason for the client. {@link #kind()} says whether asking again
 * could help: a WebSocket transport closes with 1008 or 1013, an HTTP one would answer 400 or 503.
 */
public final class ChatRefusal extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a join was refused. */
    public enum Kind {
        /** The request is wrong (a bad nick or room name): asking again the same way will not help. */
        INVALID,
        /** The server cannot take it now (no room left, or the address holds too many): try again later. */
        UNAVAILABLE
    }

    private final Kind kind;

    /** Creates a refusal. */
    public ChatRefusal(Kind kind, String reason) {
        super(reason, null, false, false);
        this.kind = kind;
    }

    /** Whether asking again could help. */
    public Kind kind() {
        return kind;
    }
}
