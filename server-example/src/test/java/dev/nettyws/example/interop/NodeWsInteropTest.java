package dev.nettyws.example.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.transport.Transport;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The echo checks of {@code interop/node/echo-client.js}, run by Node with the {@code ws} library: the handshake,
 * echo at every length encoding (RFC 6455 §5.2), fragmented messages (§5.4), ping/pong (§5.5.2, §5.5.3) and the close
 * handshake started by either side (§5.5.1, §7). The script exits non-zero on the first mismatch and prints each
 * step; the server side of both closes is checked here.
 */
class NodeWsInteropTest {
    private static final String NEGOTIATED = "OK handshake extensions=\"permessage-deflate";
    private static final String NOT_NEGOTIATED = "OK handshake extensions=\"\"";

    static Stream<Arguments> transportsAndDeflate() {
        return Stream.of(Arguments.of(Transport.EPOLL, true), Arguments.of(Transport.NIO, true),
            Arguments.of(Transport.EPOLL, false));
    }

    @ParameterizedTest(name = "{0}, deflate {1}")
    @MethodSource("transportsAndDeflate")
    void nodeWsPassesEveryEchoCheck(Transport transport, boolean deflate) throws Exception {
        Peers.requireNodeWs();
        try (EchoServerFixture server = EchoServerFixture.start(transport, deflate)) {
            Peers.Result result = Peers.run(List.of("node", "interop/node/echo-client.js",
                server.echoUri().toString(), server.serverCloseUri().toString()));
            assertEquals(0, result.exitCode(), () -> "echo-client.js failed:\n" + result.output());
            assertTrue(result.output().contains("OK server close 4001 server bye received\nPASS"), result::output);
            // RFC 7692: the peer offers permessage-deflate by default; the example server accepts unless told not to.
            assertTrue(result.output().contains(deflate ? NEGOTIATED : NOT_NEGOTIATED), result::output);
            server.assertClientStartedClose(new EchoClient.Close(4000, "bye"));
            // ws echoes the close frame: code and reason.
            assertEquals(EchoServerFixture.SERVER_CLOSE, server.assertServerStartedClose(),
                "the close frame the client answered with");
        }
    }
}
