package dev.nettyws.example.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.transport.Transport;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The echo behaviour every independent Java client checks against the example server's {@code /echo}, once on epoll
 * and once on NIO. A fresh server and connection per test keeps failures independent.
 */
abstract class EchoClientContract {
    /** Opens the handshake to {@code uri} with the client under test. */
    abstract EchoClient connect(URI uri) throws Exception;

    /** Whether the client reports frames, so that "echoed as one message" can be checked as one frame. */
    boolean countsFrames() {
        return false;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void textEchoAtEachPayloadLengthEncoding(Transport transport) throws Exception {
        // RFC 6455 §5.2: 0 and 125 use the 7-bit length, 126 and 64 KiB the 16-bit one, 1 MiB the 64-bit one.
        try (EchoServerFixture server = EchoServerFixture.start(transport);
             EchoClient client = connect(server.echoUri())) {
            for (int size : Payloads.SIZES) {
                String text = Payloads.text(size, size);
                client.sendText(text, true, true);
                EchoClient.Message echo = client.receive();
                assertTrue(echo.text(), "text of " + size + " bytes echoed as binary");
                assertEquals(text, echo.asText(), "text of " + size + " bytes");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void binaryEchoAtEachPayloadLengthEncoding(Transport transport) throws Exception {
        try (EchoServerFixture server = EchoServerFixture.start(transport);
             EchoClient client = connect(server.echoUri())) {
            for (int size : Payloads.SIZES) {
                byte[] data = Payloads.bytes(size, size);
                client.sendBinary(data, true, true);
                EchoClient.Message echo = client.receive();
                assertFalse(echo.text(), "binary of " + size + " bytes echoed as text");
                assertArrayEquals(data, echo.data(), "binary of " + size + " bytes");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void fragmentedTextIsEchoedAsOneMessage(Transport transport) throws Exception {
        // RFC 6455 §5.4: a text frame with FIN clear, continuation frames (one empty), a final one; multi-byte
        // characters in a fragment of their own.
        String[] parts = {"frag", "", "mented ", "\u00fc\u20ac\uD83D\uDE00", Payloads.text(70_000, 4)};
        try (EchoServerFixture server = EchoServerFixture.start(transport);
             EchoClient client = connect(server.echoUri())) {
            for (int i = 0; i < parts.length; i++) {
                client.sendText(parts[i], i == 0, i == parts.length - 1);
            }
            EchoClient.Message echo = client.receive();
            assertTrue(echo.text());
            assertEquals(String.join("", parts), echo.asText());
            if (countsFrames()) {
                assertEquals(1, echo.frames(), "the aggregated message is echoed in one frame");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void fragmentedBinaryIsEchoedAsOneMessage(Transport transport) throws Exception {
        byte[][] parts = {Payloads.bytes(1, 1), new byte[0], Payloads.bytes(126, 2), Payloads.bytes(65_536, 3)};
        try (EchoServerFixture server = EchoServerFixture.start(transport);
             EchoClient client = connect(server.echoUri())) {
            for (int i = 0; i < parts.length; i++) {
                client.sendBinary(parts[i], i == 0, i == parts.length - 1);
            }
            EchoClient.Message echo = client.receive();
            assertFalse(echo.text());
            assertArrayEquals(concat(parts), echo.data());
            if (countsFrames()) {
                assertEquals(1, echo.frames(), "the aggregated message is echoed in one frame");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void pingIsAnsweredWithPongCarryingItsPayload(Transport transport) throws Exception {
        // RFC 6455 §5.5.3: the pong's application data is the ping's.
        byte[] payload = "nettyws-ping".getBytes(StandardCharsets.US_ASCII);
        try (EchoServerFixture server = EchoServerFixture.start(transport);
             EchoClient client = connect(server.echoUri())) {
            assertArrayEquals(payload, client.ping(payload));
            // The connection still echoes afterwards.
            client.sendText("after ping", true, true);
            assertEquals("after ping", client.receive().asText());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void clientCloseCodeAndReasonReachTheServer(Transport transport) throws Exception {
        // RFC 6455 §5.5.1: the endpoint answering a close "typically echos the status code it received"; our
        // ConnectionHandler echoes the code without the reason. §7.1.5/§7.1.6: the server reports the client's code
        // and reason.
        try (EchoServerFixture server = EchoServerFixture.start(transport);
             EchoClient client = connect(server.echoUri())) {
            EchoClient.Close answer = client.close(4000, "bye");
            assertEquals(4000, answer.code(), () -> "the server's answering close frame: " + answer);
            server.assertClientStartedClose(new EchoClient.Close(4000, "bye"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void serverCloseCodeAndReasonReachTheClient(Transport transport) throws Exception {
        // RFC 6455 §5.5.1: the client must answer the server's close with a close frame; §7.1.1: the server then
        // closes TCP, and its close event is clean.
        try (EchoServerFixture server = EchoServerFixture.start(transport);
             EchoClient client = connect(server.serverCloseUri())) {
            assertEquals(EchoServerFixture.SERVER_CLOSE, client.awaitServerClose(), "what the client received");
            assertEquals(expectedAnswerToServerClose(), server.assertServerStartedClose(),
                "the close frame the client answered with");
        }
    }

    /** The close frame this client answers the server's {@link EchoServerFixture#SERVER_CLOSE} with. */
    abstract EchoClient.Close expectedAnswerToServerClose();

    private static byte[] concat(byte[][] parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
