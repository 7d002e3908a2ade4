package dev.nettyws.protocol;

/**
 * The names of the handlers nettyws puts into a pipeline, in one place for servers and clients. A WebSocket pipeline
 * after the opening handshake reads, from the head:
 *
 * <pre>
 *   [tls]  ws-encoder  ws-decoder  [ws-inflater  ws-deflater]  ws-connection
 *          (the application's handlers, e.g. ws-application)
 * </pre>
 *
 * <p>On an HTTP/2 stream channel (RFC 8441) the same handlers follow {@link #HTTP2_STREAM}; the connection's own
 * pipeline holds {@code [tls]  h2-codec  h2-idle  h2-multiplex}.
 *
 * <p>The connection handler also keeps the idle timeout, the keepalive pings and the write limits of the
 * {@code ConnectionConfig}, and joins fragmented messages when the configuration aggregates them (there is no
 * handler of its own for that: an unfragmented message passes on without another hop). The deflate pair is there
 * when permessage-deflate was negotiated. The application adds its handlers in a
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
    /** On an HTTP/2 stream (RFC 8441), first: the WebSocket bytes to and from DATA frames: {@value}. */
    public static final String HTTP2_STREAM = "ws-h2-stream";
    /** The HTTP/2 frame codec of a connection set up by {@code WebSocketHttp2}: {@value}. */
    public static final String HTTP2_CODEC = "h2-codec";
    /** Closes an HTTP/2 connection that has had no open stream for the handshake timeout: {@value}. */
    public static final String HTTP2_IDLE = "h2-idle";
    /** The HTTP/2 stream multiplexer of a connection set up by {@code WebSocketHttp2}: {@value}. */
    public static final String HTTP2_MULTIPLEX = "h2-multiplex";
    /** The first handler of every inbound HTTP/2 stream, until it knows whether the stream is a WebSocket: {@value}. */
    public static final String EXTENDED_CONNECT = "ws-h2-connect";
    /** The {@code FrameEncoder}: {@value}. */
    public static final String ENCODER = "ws-encoder";
    /** The {@code FrameDecoder}: {@value}. */
    public static final String DECODER = "ws-decoder";
    /** The permessage-deflate inflater: {@value}. */
    public static final String INFLATER = "ws-inflater";
    /** The permessage-deflate deflater: {@value}. */
    public static final String DEFLATER = "ws-deflater";
    /**
     * The connection protocol: ping/pong, the close handshake, idle timeout, keepalive, write limits, and the joining
     * of fragmented messages when the configuration aggregates: {@value}. The
     * write limits measure the writes that pass it, so a handler of yours that writes should sit after it (as the
     * application does); one placed between it and the encoder writes past them.
     */
    public static final String CONNECTION = "ws-connection";
    /** The application's handler added by {@code WebSocketServer.install} and {@code WebSocketClient}: {@value}. */
    public static final String APPLICATION = "ws-application";

    private HandlerNames() {
    }
}
