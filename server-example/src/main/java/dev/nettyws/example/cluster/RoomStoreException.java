package dev.nettyws.example.cluster;

/**
 * Why a call of {@link RedisRoomStore} failed: Redis unreachable, not answering in time, or refusing. A post that
 * failed with this exception was not accepted: no node delivers it and it is not in the history (but see
 * {@link RedisRoomStore#post} for the one ambiguous case).
 */
public final class RoomStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message for people and the cause from the Redis client. */
    public RoomStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
