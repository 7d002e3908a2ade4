package dev.nettyws.example.interop;

import java.net.URI;

/** The echo contract against the JDK's {@code java.net.http.WebSocket}. */
class JdkWebSocketInteropTest extends EchoClientContract {
    @Override
    EchoClient connect(URI uri) throws Exception {
        return JdkEchoClient.connect(uri);
    }
}
