package dev.nettyws.example.interop;

import java.nio.charset.StandardCharsets;

/**
 * What the Java interop tests need from an independent WebSocket client: send (possibly fragmented) messages,
 * receive whole messages, ping, and close. Every blocking call is bounded by a timeout and fails the test on expiry.
 */
interface EchoClient extends AutoCloseable {
    /** Sends one fragment of a text message: the first with {@code first}, the last with {@code last}. */
    void sendText(String text, boolean first, boolean last) throws Exception;

    /** Sends one fragment of a binary message. */
    void sendBinary(byte[] data, boolean first, boolean last) throws Exception;

    /** The next whole data message, reassembled by the client from its frames. */
    Message receive() throws Exception;

    /** Sends a ping and returns the payload of the pong that answers it. */
    byte[] ping(byte[] payload) throws Exception;

    /** Starts the close handshake with {@code code} and {@code reason} and returns the close the server answered. */
    Close close(int code, String reason) throws Exception;

    /**
     * Waits for the close frame the server sends first and returns it; the client answers it the way its library
     * does by default (or, for a library that leaves it to the application, with the same code).
     */
    Close awaitServerClose() throws Exception;

    /** Releases the client's resources (sockets, threads) whatever state it is in. */
    @Override
    void close();

    /** A whole message: text or binary, its bytes, and how many frames carried it (0 when the client cannot tell). */
    record Message(boolean text, byte[] data, int frames) {
        String asText() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    /** A close frame as received. */
    record Close(int code, String reason) {
    }
}
