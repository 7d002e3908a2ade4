/**
 * nettyws: an RFC 6455 WebSocket codec for Netty.
 *
 * <p>The packages follow the pipeline, in the order bytes travel inbound: {@link dev.nettyws.handshake} (the opening
 * handshake, independent of its transport), {@link dev.nettyws.frame} (frames on the wire: the frame model, decoder
 * and encoder), {@link dev.nettyws.extension.deflate} (permessage-deflate), {@link dev.nettyws.protocol} (the
 * connection once open: its settings, the application's {@link dev.nettyws.protocol.WebSocketSession}, the end
 * event, the handler names), and the front ends {@link dev.nettyws.server} and {@link dev.nettyws.client}, which
 * run the handshake over HTTP/1.1 and install everything into a pipeline. {@code dev.nettyws.internal} is not API.
 *
 * <p><b>Design.</b> Every WebSocket connection has one state object (the internal {@code Connection}, kept in a
 * channel attribute and seen by the application as its {@code WebSocketSession}) that owns the close handshake,
 * whether a close frame went out, the one way to fail the connection (§7.1.7), the end event and what the handshake
 * established. The handlers report into it and never look each other up: the frame encoder records every close
 * frame that passes, the decoder and the inflater fail through it, the connection handler answers pings and drives
 * the close handshake on it, the keepalive handler (idle timeout, pings) and the write limiter (peers that do not
 * read) are small parts of their own. The handshake core decides on a transport-neutral
 * {@link dev.nettyws.handshake.HandshakeRequest}; the HTTP/1.1 front ends translate, answer and switch the
 * pipeline through one assembly shared by server and client, so a second transport (HTTP/2, RFC 8441) is another
 * front end, not another core.
 */
package dev.nettyws;
