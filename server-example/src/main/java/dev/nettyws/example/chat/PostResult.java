package dev.nettyws.example.chat;

/**
 * What became of a client's message ({@link ChatSession#post}): posted to the room, refused with a reason for the
 * client (the session goes on), or refused once too often in a burst (the client is flooding: end its session).
 * Immutable.
 *
 * @param outcome which of the three
 * @param reason why it was refused; null when posted
 */
public record PostResult(Outcome outcome, String reason) {
    /** The message was posted. */
    public static final PostResult POSTED = new PostResult(Outcome.POSTED, null);
    /** The client keeps sending what is refused. */
    public static final PostResult FLOODING = new PostResult(Outcome.FLOODING, ChatSession.FLOODING_REASON);

    /** What became of a message. */
    public enum Outcome {
        /** Posted to the room. */
        POSTED,
        /** Refused, with a reason for the client; the session goes on. */
        REFUSED,
        /** Refused, and the client ran out of strikes: end the session. */
        FLOODING
    }

    /** A refusal with a reason for the client. */
    static PostResult refused(String reason) {
        return new PostResult(Outcome.REFUSED, reason);
    }
}
