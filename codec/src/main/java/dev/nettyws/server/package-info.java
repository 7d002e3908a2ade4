/**
 * Server composition: {@link dev.nettyws.server.WebSocketServer#install} adds a WebSocket endpoint behind the HTTP
 * codec of an existing pipeline, {@link dev.nettyws.server.WebSocketServerInitializer} builds the pipeline of a
 * WebSocket-only server, {@link dev.nettyws.server.WebSocketServerConfig} holds every setting of both, and
 * {@link dev.nettyws.server.BoundServer} binds a listening socket on the chosen transport.
 */
package dev.nettyws.server;
