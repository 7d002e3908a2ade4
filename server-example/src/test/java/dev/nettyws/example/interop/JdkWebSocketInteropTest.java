package dev.nettyws.example.interop;

import java.net.URI;

/** The echo contract against the JDK's {@code java.net.http.WebSocket}. */
class JdkWebSocketInteropTest extends EchoClientContract {
    @Override
    EchoClient connect(URI uri) throws Exception {
        return JdkEchoClient.connect(uri);
    }

    @Override
    EchoClient.Close expectedAnswerToServerClose() {
        // Once onClose returns, the JDK client answers on its own with the received code and no reason.
        return new EchoClient.Close(EchoServerFixture.SERVER_CLOSE.code(), "");
    }
}
