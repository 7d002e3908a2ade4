package dev.nettyws.handshake;

/**
 * A client's opening handshake failed (RFC 6455 §4.1): the server answered with something other than a valid
 * {@code 101 Switching Protocols}, the connection closed or failed first, or the handshake timed out. The message
 * says which rule was broken; for an answer that was not 101 it holds the status code and reason phrase.
 *
 * <p>The connection has been closed when this is reported.
 * Reported on the channel's event loop through the handshake future; immutable, holds no buffers.
 */
public class ClientHandshakeException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * Creates an exception.
     *
     * @param message what went wrong
     * @param status the HTTP status of the server's answer, or -1 if none arrived
     * @param cause the underlying failure, or null
     */
    public ClientHandshakeException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status code of the server's answer, or -1 when no answer arrived. */
    public int status() {
        return status;
    }
}
