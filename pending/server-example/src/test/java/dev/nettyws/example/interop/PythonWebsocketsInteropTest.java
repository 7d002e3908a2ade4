package dev.nettyws.example.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.transport.Transport;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The echo checks of {@code interop/python/echo_client.py}, run by Debian's Python with the {@code websockets}
 * library: echo at every length encoding, fragmented messages, ping/pong and the close handshake (RFC 6455 §5.2,
 * §5.4, §5.5). The script exits non-zero on the first mismatch and prints each step.
 */
class PythonWebsocketsInteropTest {
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void pythonWebsocketsPassesEveryEchoCheck(Transport transport) throws Exception {
        Peers.requirePythonWebsockets();
        try (EchoServerFixture server = EchoServerFixture.start(transport)) {
            Peers.Result result = Peers.run(List.of(Peers.PYTHON, "interop/python/echo_client.py",
                server.echoUri().toString()));
            assertEquals(0, result.exitCode(), () -> "echo_client.py failed:\n" + result.output());
            assertTrue(result.output().contains("OK close 4000 bye echoed\nPASS"), result::output);
            assertEquals(new EchoClient.Close(4000, "bye"), server.awaitClose(), "what the server observed");
        }
    }
}
