package dev.nettyws.example;

import dev.nettyws.handshake.HandshakeCompletedEvent;
import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2StreamChannel;

/**
 * How a WebSocket of the example server travels, for its connection log: {@code HTTP/1.1} (a connection of its own,
 * upgraded) or {@code HTTP/2 stream N of connection ID} (an extended CONNECT, RFC 8441, on a connection that may
 * carry the page and other WebSockets too). Stateless; any thread.
 */
public final class WebSocketTransport {
    private WebSocketTransport() {
    }

    /** The transport of {@code channel}, whose handshake was {@code handshake}. */
    public static String describe(Channel channel, HandshakeCompletedEvent handshake) {
        if (channel instanceof Http2StreamChannel && handshake.request().isHttp2()) {
            return "HTTP/2 stream " + ((Http2StreamChannel) channel).stream().id() + " of connection "
                + channel.parent().id();
        }
        return handshake.request().version();
    }
}
