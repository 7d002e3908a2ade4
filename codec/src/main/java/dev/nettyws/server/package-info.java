/**
 * The server: {@link dev.nettyws.server.WebSocketServer#install} adds a WebSocket endpoint behind the HTTP codec of
 * an existing pipeline, {@link dev.nettyws.server.UpgradeHandler} is the HTTP/1.1 front end it installs (for
 * pipelines that place it themselves), {@link dev.nettyws.server.WebSocketServerInitializer} builds the pipeline of
 * a WebSocket-only server, {@link dev.nettyws.server.WebSocketServerConfig} holds every setting of an endpoint, and
 * {@link dev.nettyws.server.BoundServer} binds a listening socket and ends its connections properly
 * ({@link dev.nettyws.server.OpenConnections}).
 */
package dev.nettyws.server;
