package dev.nettyws.server.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.testsupport.FrameBytes;
import dev.nettyws.testsupport.HandshakeRequest;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A client on a plain socket that misbehaves on purpose: it writes exactly the bytes a test gives it (frames from
 * {@link FrameBytes}, masked with a fixed key), reads the server's frames one by one, and can reset the connection
 * (SO_LINGER 0) or half-close it. Every read is bounded by a socket timeout.
 */
final class RawWebSocket implements AutoCloseable {
    static final int MASK = 0x37fa213d;
    private static final int TIMEOUT_MILLIS = 10_000;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects without sending anything. */
    static RawWebSocket connect(InetSocketAddress address) throws IOException {
        return connect(address, 0);
    }

    /** Connects with a receive buffer of {@code receiveBuffer} bytes (0 for the default), set before connecting. */
    static RawWebSocket connect(InetSocketAddress address, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(address, TIMEOUT_MILLIS);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        socket.setTcpNoDelay(true);
        return new RawWebSocket(socket);
    }

    /** Connects from the local address {@code from} (any port) without sending anything. */
    static RawWebSocket connectFrom(InetAddress from, InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(address, TIMEOUT_MILLIS);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        return new RawWebSocket(socket);
    }

    /** Connects and completes the opening handshake to {@link HostileServer#PATH}. */
    static RawWebSocket open(InetSocketAddress address) throws IOException {
        return handshake(connect(address));
    }

    /** Completes the opening handshake to {@link HostileServer#PATH} on a connected socket. */
    static RawWebSocket handshake(RawWebSocket ws) throws IOException {
        ws.write(HandshakeRequest.to(HostileServer.PATH).bytes());
        String head = ws.readHead();
        assertTrue(head.startsWith("HTTP/1.1 101 "), head);
        return ws;
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Writes a masked frame. */
    void send(FrameBytes frame) throws IOException {
        write(frame.mask(MASK).bytes());
    }

    /** Reads an HTTP response head, up to the blank line, or what arrived before the connection ended. */
    String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        try {
            while (head.size() < 65536) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.write(b);
                if (head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    break;
                }
            }
        } catch (SocketException reset) {
            // A server that closes with our bytes unread resets the connection; return what arrived before.
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** The bytes that can be read now without blocking. */
    int available() throws IOException {
        return in.available();
    }

    /** Reads one server frame (server frames are never masked). */
    Received readFrame() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        assertEquals(0, b1 & 0x80, "a server frame must not be masked (RFC 6455 §5.1)");
        long length = b1 & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        assertTrue(length <= 1 << 24, "frame too long for a test: " + length);
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new Received(b0 & 0x0f, (b0 & 0x80) != 0, payload);
    }

    /** Reads frames until a close frame and returns its status code (skipping data and pongs before it). */
    int readCloseCode() throws IOException {
        for (int i = 0; i < 100_000; i++) {
            Received frame = readFrame();
            if (frame.opcode() == 0x8) {
                assertTrue(frame.payload().length >= 2, "close frame without a code");
                return ((frame.payload()[0] & 0xff) << 8) | (frame.payload()[1] & 0xff);
            }
        }
        throw new AssertionError("no close frame in 100,000 frames");
    }

    /**
     * Reads until the server ends the connection (end of stream or reset) and returns how many bytes came first;
     * fails when it is still open after the socket timeout.
     */
    long readToEnd() throws IOException {
        byte[] buffer = new byte[65536];
        long total = 0;
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                total += n;
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection within " + TIMEOUT_MILLIS + " ms", e);
        } catch (SocketException e) {
            // A reset also ends the connection.
        }
        return total;
    }

    /** Whether the server ended the connection: end of stream (or reset) on the next read. */
    void assertEnded() throws IOException {
        assertEquals(0, readToEnd(), "bytes after the close");
    }

    /** Closes with an RST instead of a FIN. */
    void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    /** Sends FIN (no more bytes from us) but keeps reading. */
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A frame from the server. */
    record Received(int opcode, boolean fin, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }
}
