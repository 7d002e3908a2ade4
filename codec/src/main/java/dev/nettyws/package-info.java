/**
 * nettyws: an RFC 6455 WebSocket codec for Netty.
 *
 * <p>The packages follow the pipeline, in the order bytes travel inbound:
 * {@link dev.nettyws.handshake} (the HTTP upgrade), {@link dev.nettyws.frame} (frames on the wire:
 * the frame model, decoder and encoder), {@link dev.nettyws.protocol} (the connection protocol:
 * ping/pong, the close handshake, message aggregation), and the composition packages
 * {@link dev.nettyws.server} and {@link dev.nettyws.client} that install them into a pipeline.
 */
package dev.nettyws;
