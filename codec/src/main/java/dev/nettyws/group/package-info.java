/**
 * Broadcast to many connections: {@link dev.nettyws.group.WebSocketGroup} encodes a message once, writes the same
 * bytes to every member and flushes each member once per run of messages on its event loop.
 */
package dev.nettyws.group;
