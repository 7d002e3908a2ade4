package dev.nettyws.client;

import java.net.URI;

/** An independent WebSocket echo server on 127.0.0.1 for the interop tests; started and stopped by the test. */
interface EchoPeer extends AutoCloseable {
    /** A short name for test display names. */
    String name();

    /** The {@code ws://} URI of {@code path} on this server. */
    URI uri(String path);

    /** Stops the server and waits (bounded) until it has stopped. */
    @Override
    void close();
}
