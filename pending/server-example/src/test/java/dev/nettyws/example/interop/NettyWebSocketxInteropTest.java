package dev.nettyws.example.interop;

import java.net.URI;

/** The echo contract against Netty's own {@code websocketx} client. */
class NettyWebSocketxInteropTest extends EchoClientContract {
    @Override
    EchoClient connect(URI uri) throws Exception {
        return NettyEchoClient.connect(uri);
    }

    @Override
    boolean countsFrames() {
        return true;
    }
}
