package dev.nettyws.frame;

import io.netty.handler.codec.CorruptedFrameException;

/**
 * The peer broke RFC 6455 (or a configured limit), and the connection is being failed (§7.1.7) with
 * {@link #closeStatus()}. By the time a handler observes it in {@code exceptionCaught}, the decoder has already
 * sent the close frame carrying that code and is closing the connection; the handler only has to record it.
 *
 * <p>The message is short, stable and also used as the close reason, so tests may assert it.
 * Immutable, raised on the channel's event loop; holds no buffers (the input that broke the rule was released).
 */
public final class ProtocolViolationException extends CorruptedFrameException {
    private static final long serialVersionUID = 1L;

    private final int closeStatus;

    /**
     * Creates the exception.
     *
     * @param closeStatus the close code the connection is failed with, e.g. {@link CloseStatus#PROTOCOL_ERROR}
     * @param reason a short reason (at most 123 UTF-8 bytes, it becomes the close reason)
     */
    public ProtocolViolationException(int closeStatus, String reason) {
        super(reason);
        this.closeStatus = closeStatus;
    }

    /** The close code the connection was failed with. */
    public int closeStatus() {
        return closeStatus;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        // The stack trace of a decoder rejecting peer input says nothing the message does not; skip its cost.
        return this;
    }
}
