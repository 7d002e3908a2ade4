package dev.nettyws.bench.load;

/** The echo servers the load tool can launch and compare. */
public enum ServerKind {
    /** nettyws: {@code WebSocketServer} on {@code /echo}. */
    OURS,
    /** Netty's websocketx: {@code WebSocketServerProtocolHandler} on {@code /echo}. */
    NETTY,
    /** Length-prefixed messages over plain TCP on Netty: the ceiling, no WebSocket work at all. */
    RAW;

    /** Whether clients speak WebSocket to it. */
    public boolean isWebSocket() {
        return this != RAW;
    }

    /** Lower-case name for tables and charts. */
    public String label() {
        return name().toLowerCase();
    }
}
