package dev.nettyws.example.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.testsupport.Hex;
import dev.nettyws.transport.Transport;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Requests no WebSocket library would send, written byte for byte to the example server on a plain socket: the
 * server answers a bad opening handshake with an HTTP error and closes, answers other paths with 404, and accepts a
 * correct handshake with frames pipelined right behind it (RFC 6455 §4.1, §4.2.1, §4.2.2, §4.4).
 */
class HandshakeOverRawSocketTest {
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final Set<Integer> REJECTED = Set.of(400, 426);

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void rfcSampleKeyIsAnsweredWith101AndTheSampleAccept(Transport transport) throws Exception {
        // RFC 6455 §1.3 / §4.2.2: key dGhlIHNhbXBsZSBub25jZQ== gives accept s3pPLMBiTxaQ9kYGzzhZRbK+xOo=.
        try (EchoServerFixture server = EchoServerFixture.start(transport);
             RawHttpClient client = new RawHttpClient(server.echoUri())) {
            client.write(upgrade("/echo", KEY, "13"));
            RawHttpClient.Head head = client.readHead();
            assertEquals(101, head.status(), head.text());
            assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", head.header("Sec-WebSocket-Accept"), head.text());
            assertTrue("websocket".equalsIgnoreCase(head.header("Upgrade")), head.text());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void framesPipelinedBehindTheHandshakeReachTheFrameDecoder(Transport transport) throws Exception {
        // The client may send frames as soon as it has sent the request (§4.1); they arrive in the same read as the
        // request. RFC 6455 §5.7 single-frame masked text "Hello", then a masked close 1000.
        byte[] maskedHello = Hex.bytes("818537fa213d7f9f4d5158");
        byte[] maskedClose = Hex.bytes("8882" + "12345678" + "11dc");
        try (EchoServerFixture server = EchoServerFixture.start(transport);
             RawHttpClient client = new RawHttpClient(server.echoUri())) {
            byte[] request = upgrade("/echo", KEY, "13").getBytes(StandardCharsets.US_ASCII);
            client.write(concat(request, maskedHello, maskedClose));
            assertEquals(101, client.readHead().status());
            // §5.7: the unmasked "Hello" the server sends back, then its close echoing 1000.
            assertArrayEquals(Hex.bytes("810548656c6c6f"), client.readExactly(7));
            assertArrayEquals(Hex.bytes("880203e8"), client.readExactly(4));
            assertEquals(0, client.readToEnd().length, "nothing after the close frame");
            server.assertClientStartedClose(new EchoClient.Close(1000, ""));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void unsupportedVersionIsRejectedWithTheSupportedVersion(Transport transport) throws Exception {
        // §4.4: a server that does not speak the requested version answers with the versions it does speak.
        try (EchoServerFixture server = EchoServerFixture.start(transport);
             RawHttpClient client = new RawHttpClient(server.echoUri())) {
            client.write(upgrade("/echo", KEY, "8"));
            RawHttpClient.Head head = client.readHead();
            assertTrue(REJECTED.contains(head.status()), head.text());
            assertEquals("13", head.header("Sec-WebSocket-Version"), head.text());
            client.readToEnd();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void missingKeyIsRejectedAndTheConnectionClosed(Transport transport) throws Exception {
        // §4.2.1 item 5: Sec-WebSocket-Key is required.
        try (EchoServerFixture server = EchoServerFixture.start(transport);
             RawHttpClient client = new RawHttpClient(server.echoUri())) {
            client.write("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n");
            RawHttpClient.Head head = client.readHead();
            assertTrue(REJECTED.contains(head.status()), head.text());
            client.readToEnd();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void draft76HandshakeIsRejected(Transport transport) throws Exception {
        // The obsolete hixie-76 handshake: Sec-WebSocket-Key1/Key2 and an 8-byte body, no Sec-WebSocket-Key.
        try (EchoServerFixture server = EchoServerFixture.start(transport);
             RawHttpClient client = new RawHttpClient(server.echoUri())) {
            client.write("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key1: 4 @1  46546xW%0l 1 5\r\nSec-WebSocket-Key2: 12998 5 Y3 1  .P00\r\n"
                + "Origin: http://example.com\r\n\r\n^n:ds[4U");
            RawHttpClient.Head head = client.readHead();
            assertTrue(REJECTED.contains(head.status()), head.text());
            client.readToEnd();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void upgradeToAnotherPathGets404(Transport transport) throws Exception {
        try (EchoServerFixture server = EchoServerFixture.start(transport);
             RawHttpClient client = new RawHttpClient(server.echoUri())) {
            client.write(upgrade("/nowhere", KEY, "13"));
            RawHttpClient.Head head = client.readHead();
            assertEquals(404, head.status(), head.text());
            client.readToEnd();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void plainHttpRequestToAnotherPathGets404(Transport transport) throws Exception {
        try (EchoServerFixture server = EchoServerFixture.start(transport);
             RawHttpClient client = new RawHttpClient(server.echoUri())) {
            client.write("GET /nowhere.html HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            RawHttpClient.Head head = client.readHead();
            assertEquals(404, head.status(), head.text());
            client.readToEnd();
        }
    }

    private static String upgrade(String path, String key, String version) {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: " + version + "\r\n\r\n";
    }

    private static byte[] concat(byte[]... parts) {
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
