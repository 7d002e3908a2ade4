package dev.nettyws.bench.load;

/** The echo servers the load tool can launch and compare. */
public enum ServerKind {
    /** nettyws: {@code WebSocketServer} on {@code /echo}. */
    OURS,
    /** Netty's websocketx: {@code WebSocketServerProtocolHandler} on {@code /echo}. */
    NETTY,
    /** Length-prefixed messages over plain TCP on Netty: no WebSocket work, but a codec of its own. */
    RAW,
    /**
     * Unframed bytes over plain TCP on Netty: one handler writes back whatever it reads and flushes on read-complete.
     * The ceiling: what the transport alone costs.
     */
    BYTES;

    /** Whether clients speak WebSocket to it. */
    public boolean isWebSocket() {
        return this == OURS || this == NETTY;
    }

    /** Lower-case name for tables and charts. */
    public String label() {
        return name().toLowerCase();
    }
}
