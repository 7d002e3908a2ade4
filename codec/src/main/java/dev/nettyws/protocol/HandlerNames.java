package dev.nettyws.protocol;

/**
 * The names of the handlers nettyws puts into a pipeline, in one place for servers and clients. A WebSocket pipeline
 * after the opening handshake reads, from the head:
 *
 * <pre>
 *   [tls]  ws-write-limit  ws-encoder  ws-decoder  [ws-inflater  ws-deflater]  ws-connection  [ws-keepalive]
 *          [ws-aggregator]  (the application's handlers, e.g. ws-application)
 * </pre>
 *
 * <p>{@link #WRITE_LIMIT} is there unless both write limits of the {@code ConnectionConfig} are off, {@link #KEEPALIVE}
 * when an idle timeout or a ping interval is set, the deflate pair when permessage-deflate was negotiated, the
 * aggregator when messages are aggregated. The application adds its handlers in a
 * {@link dev.nettyws.handshake.WebSocketInitializer} after the name it is given.
 *
 * <p>Constants only. Usable from any thread; holds no buffers.
 */
public final class HandlerNames {
    /** The per-address connection limit of a {@code WebSocketServerInitializer}, first, until it admits: {@value}. */
    public static final String CONNECTION_LIMIT = "connections-per-address";
    /** The server's bound on what an HTTP/1.1 peer makes it hold before the upgrade, until the upgrade: {@value}. */
    public static final String HTTP_BACKPRESSURE = "http-backpressure";
    /** The server's HTTP/1.1 upgrade handler, until the upgrade: {@value}. */
    public static final String UPGRADE = "ws-upgrade";
    /** The client's handshake handler, until the handshake ends: {@value}. */
    public static final String HANDSHAKER = "ws-handshaker";
    /** The HTTP codec a client's handshake handler puts in front of itself, until the upgrade: {@value}. */
    public static final String CLIENT_HTTP_CODEC = "ws-http-codec";
    /** The HTTP codec of a server built by {@code WebSocketServerInitializer}: {@value}. */
    public static final String HTTP_CODEC = "http-codec";
    /** The last handler of a WebSocket-only server, answering other requests with 404: {@value}. */
    public static final String NOT_FOUND = "http-not-found";
    /** The bound on outbound bytes queued for a peer that does not read: {@value}. */
    public static final String WRITE_LIMIT = "ws-write-limit";
    /** The {@code FrameEncoder}: {@value}. */
    public static final String ENCODER = "ws-encoder";
    /** The {@code FrameDecoder}: {@value}. */
    public static final String DECODER = "ws-decoder";
    /** The permessage-deflate inflater: {@value}. */
    public static final String INFLATER = "ws-inflater";
    /** The permessage-deflate deflater: {@value}. */
    public static final String DEFLATER = "ws-deflater";
    /** The connection protocol: ping/pong and the close handshake: {@value}. */
    public static final String CONNECTION = "ws-connection";
    /** The idle timeout and keepalive pings: {@value}. */
    public static final String KEEPALIVE = "ws-keepalive";
    /** The message aggregator: {@value}. */
    public static final String AGGREGATOR = "ws-aggregator";
    /** The application's handler added by {@code WebSocketServer.install} and {@code WebSocketClient}: {@value}. */
    public static final String APPLICATION = "ws-application";

    private HandlerNames() {
    }
}
