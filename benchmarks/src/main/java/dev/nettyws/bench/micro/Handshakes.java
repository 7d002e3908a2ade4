package dev.nettyws.bench.micro;

import dev.nettyws.handshake.OriginPolicy;
import dev.nettyws.handshake.ServerHandshakeConfig;
import dev.nettyws.protocol.ConnectionConfig;
import dev.nettyws.server.UpgradeHandler;
import dev.nettyws.server.WebSocketServerConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The server's opening handshake (RFC 6455 §4.2) for both implementations: a fresh connection receives one valid
 * upgrade request for {@value #PATH} and answers {@code 101 Switching Protocols}.
 *
 * <ul>
 *   <li>Ours: {@code HttpServerCodec - UpgradeHandler - sink}, the default {@link ServerHandshakeConfig} for the
 *       path with the request's host and origin allowed (so the host and origin checks run and pass, and the
 *       handshake timeout is armed, as in production), an initializer that adds nothing. The switch installs what
 *       Netty's does: the frame codec and the connection protocol (ping/pong, close); the aggregator, keepalive and
 *       write limits, which Netty's pipeline does not have, are left out.</li>
 *   <li>Netty: {@code HttpServerCodec - HttpObjectAggregator - WebSocketServerProtocolHandler - sink}, the
 *       documented way to serve WebSockets with websocketx; the handler runs a {@code WebSocketServerHandshaker13}.
 *       The aggregator is part of that recipe: Netty's handshake handler wants a full request.</li>
 * </ul>
 *
 * <p>{@link #handshake} does for either: a new {@link EmbeddedChannel} with the pipeline, the request bytes in one
 * read (a new heap buffer from the channel's allocator), every response buffer taken from the outbound queue and
 * released, and the channel finished. So one operation is a whole accepted connection's handshake, including the
 * HTTP parsing and response encoding both share.
 *
 * <p>Runs on the calling thread; stateless.
 */
public final class Handshakes {
    /** The WebSocket endpoint. */
    public static final String PATH = "/echo";

    /** The request, from RFC 6455 §1.3 (with the key of its example), as a browser would send it. */
    public static final byte[] REQUEST = ("GET " + PATH + " HTTP/1.1\r\n"
        + "Host: server.example.com\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        + "Origin: http://example.com\r\n"
        + "Sec-WebSocket-Version: 13\r\n"
        + "\r\n").getBytes(StandardCharsets.US_ASCII);

    private static final WebSocketServerConfig OUR_CONFIG = WebSocketServerConfig.builder()
        .handshake(ServerHandshakeConfig.builder().path(PATH).allowedHosts("server.example.com")
            .originPolicy(OriginPolicy.allowList(List.of("http://example.com"))).build())
        .aggregate(false)
        .connection(ConnectionConfig.builder().idleTimeout(Duration.ZERO).writeStallTimeout(Duration.ZERO)
            .maxPendingWriteBytes(0).build())
        .build();

    private Handshakes() {
    }

    /**
     * A new connection's pipeline, not yet fed.
     *
     * @param impl which implementation
     * @param sink what follows the handshake handler
     * @return an active channel
     */
    public static EmbeddedChannel channel(Impl impl, InboundSink sink) {
        EmbeddedChannel channel = new EmbeddedChannel();
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast(new HttpServerCodec());
        if (impl == Impl.OURS) {
            pipeline.addLast(new UpgradeHandler(OUR_CONFIG, (p, after, event) -> {
            }));
        } else {
            pipeline.addLast(new HttpObjectAggregator(8192), new WebSocketServerProtocolHandler(PATH));
        }
        pipeline.addLast(sink);
        return channel;
    }

    /**
     * Runs one handshake on a new connection.
     *
     * @param impl which implementation
     * @param sink receives anything passed beyond the handshake handler (nothing, for a valid request)
     * @param response receives the response bytes, or null to only count them
     * @return the number of response bytes
     */
    public static int handshake(Impl impl, InboundSink sink, ByteArrayOutputStream response) {
        EmbeddedChannel channel = channel(impl, sink);
        try {
            ByteBuf in = channel.alloc().heapBuffer(REQUEST.length).writeBytes(REQUEST);
            channel.writeInbound(in);
            int bytes = 0;
            for (Object out; (out = channel.readOutbound()) != null; ) {
                ByteBuf buf = (ByteBuf) out;
                bytes += buf.readableBytes();
                if (response != null) {
                    response.writeBytes(ByteBufUtil.getBytes(buf));
                }
                buf.release();
            }
            return bytes;
        } finally {
            channel.finishAndReleaseAll();
        }
    }
}
