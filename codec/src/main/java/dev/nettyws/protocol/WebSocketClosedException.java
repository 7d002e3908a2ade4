package dev.nettyws.protocol;

import java.nio.channels.ClosedChannelException;

/**
 * The failure of a write that nettyws refused because the WebSocket connection is closing: a close
 * frame has already been sent (RFC 6455 §5.5.1: no data frames after a close) or received. It is a
 * {@link ClosedChannelException}, so code that already treats writes to a closed channel as expected keeps working.
 *
 * <p>Immutable. Holds no buffers: the refused message was released.
 */
public final class WebSocketClosedException extends ClosedChannelException {
    private static final long serialVersionUID = 1L;

    private final String message;

    /**
     * Creates the exception.
     *
     * @param message why the write was refused
     */
    public WebSocketClosedException(String message) {
        this.message = message;
    }

    @Override
    public String getMessage() {
        return message;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        // Refused writes are routine during a close; the message says all a stack trace would.
        return this;
    }
}
