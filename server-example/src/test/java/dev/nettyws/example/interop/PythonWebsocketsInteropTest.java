package dev.nettyws.example.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.transport.Transport;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The echo checks of {@code interop/python/echo_client.py}, run by Debian's Python with the {@code websockets}
 * library: the handshake, echo at every length encoding (RFC 6455 §5.2), fragmented messages (§5.4), ping/pong
 * (§5.5.2, §5.5.3) and the close handshake started by either side (§5.5.1, §7). The script exits non-zero on the
 * first mismatch and prints each step; the server side of both closes is checked here.
 */
class PythonWebsocketsInteropTest {
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void pythonWebsocketsPassesEveryEchoCheck(Transport transport) throws Exception {
        Peers.requirePythonWebsockets();
        try (EchoServerFixture server = EchoServerFixture.start(transport)) {
            Peers.Result result = Peers.run(List.of(Peers.PYTHON, "interop/python/echo_client.py",
                server.echoUri().toString(), server.serverCloseUri().toString()));
            assertEquals(0, result.exitCode(), () -> "echo_client.py failed:\n" + result.output());
            assertTrue(result.output().contains("OK server close 4001 server bye received\nPASS"), result::output);
            server.assertClientStartedClose(new EchoClient.Close(4000, "bye"));
            // websockets echoes the whole close frame: code and reason.
            assertEquals(EchoServerFixture.SERVER_CLOSE, server.assertServerStartedClose(),
                "the close frame the client answered with");
        }
    }
}
