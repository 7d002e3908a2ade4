package dev.nettyws.example.interop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A plain socket that writes hand-made bytes and reads the raw answer: the peer for handshake checks no WebSocket
 * library would let us make. Reads are bounded in time (socket timeout) and size.
 */
final class RawHttpClient implements AutoCloseable {
    private static final int TIMEOUT_MILLIS = 10_000;
    private static final int MAX_READ = 1 << 20;

    private final Socket socket;

    RawHttpClient(URI uri) throws IOException {
        socket = new Socket(uri.getHost(), uri.getPort());
        socket.setSoTimeout(TIMEOUT_MILLIS);
    }

    void write(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    void write(String ascii) throws IOException {
        write(ascii.getBytes(StandardCharsets.US_ASCII));
    }

    /** Reads the response head (status line and headers, up to the blank line). */
    Head readHead() throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (head.size() < MAX_READ) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            if (head.size() >= 4 && head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                break;
            }
        }
        return new Head(head.toString(StandardCharsets.ISO_8859_1));
    }

    /** Reads exactly {@code n} bytes. */
    byte[] readExactly(int n) throws IOException {
        return socket.getInputStream().readNBytes(n);
    }

    /**
     * Reads until the server closes the connection and returns what came before the end of stream; fails when the
     * connection is still open after the socket timeout.
     */
    byte[] readToEnd() throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                rest.write(buffer, 0, n);
                if (rest.size() > MAX_READ) {
                    throw new AssertionError("more than " + MAX_READ + " bytes and still open");
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection within " + TIMEOUT_MILLIS + " ms", e);
        } catch (IOException e) {
            // A reset after the server's close also ends the connection.
            if (!e.getMessage().toLowerCase(Locale.ROOT).contains("reset")) {
                throw e;
            }
        }
        return rest.toByteArray();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A response head: the status code and the raw text. */
    record Head(String text) {
        int status() {
            if (!text.startsWith("HTTP/1.1 ")) {
                throw new AssertionError("not an HTTP/1.1 response: " + text);
            }
            return Integer.parseInt(text.substring(9, 12));
        }

        /** The value of the first header named {@code name} (case-insensitive), or null. */
        String header(String name) {
            for (String line : text.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }
}
