/**
 * A test kit for WebSocket handlers built on nettyws: {@link dev.nettyws.testkit.WebSocketServerTester} runs a
 * server pipeline (our handlers and yours) on an {@link io.netty.channel.embedded.EmbeddedChannel} and plays the
 * client; {@link dev.nettyws.testkit.WebSocketClientTester} runs a client pipeline and plays the server. Both speak
 * the wire protocol with their own small frame writer and reader, independent of the codec under test, and fail with
 * an {@link java.lang.AssertionError} that says what was expected and what came.
 *
 * <p>Everything runs on the test's thread: EmbeddedChannel runs handlers, tasks and (with the frozen clock the
 * testers use) timers on the calling thread, so tests never sleep.
 */
package dev.nettyws.testkit;
