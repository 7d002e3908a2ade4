/**
 * Not API: what the public packages of nettyws share among themselves and may change at any time. The connection
 * state ({@link dev.nettyws.internal.Connection}), the handlers behind the frame codec
 * ({@link dev.nettyws.internal.ConnectionHandler} with its keepalive, write limits and message
 * aggregator), their assembly
 * ({@link dev.nettyws.internal.WebSocketPipeline}), the transport-neutral handshake core
 * ({@link dev.nettyws.internal.ServerHandshake}), extension negotiation, UTF-8 validation and HTTP syntax helpers.
 */
package dev.nettyws.internal;
