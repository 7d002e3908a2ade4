package dev.nettyws.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.handshake.ServerHandshakeConfig;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebSocketServerTest {
    private static final WebSocketServerConfig CONFIG =
        WebSocketServerConfig.builder(ServerHandshakeConfig.builder().path("/echo").build()).build();

    @Test
    void installPutsTheUpgradeDecoderRightAfterTheHttpServerCodec() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast("codec", new HttpServerCodec()).addLast("mine", new ChannelInboundHandlerAdapter());
        WebSocketServer.install(channel.pipeline(), CONFIG, ChannelInboundHandlerAdapter::new);
        List<String> names = channel.pipeline().names();
        assertEquals(names.indexOf("codec") + 1, names.indexOf(WebSocketServer.UPGRADE_HANDLER_NAME), names::toString);
        assertEquals(names.indexOf("mine") - 1, names.indexOf(WebSocketServer.UPGRADE_HANDLER_NAME), names::toString);
        assertEquals(CONFIG.writeBufferWaterMark(), channel.config().getWriteBufferWaterMark());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void installWithoutHttpServerCodecFailsClearly() {
        EmbeddedChannel channel = new EmbeddedChannel();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> WebSocketServer.install(channel.pipeline(), CONFIG, ChannelInboundHandlerAdapter::new));
        assertTrue(e.getMessage().startsWith("no HttpServerCodec in the pipeline"), e.getMessage());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void initializerBuildsCodecEndpointAndFallback() {
        EmbeddedChannel channel = new EmbeddedChannel(new WebSocketServerInitializer(CONFIG,
            ChannelInboundHandlerAdapter::new));
        List<String> names = channel.pipeline().names();
        int codec = names.indexOf(WebSocketServerInitializer.HTTP_CODEC_NAME);
        assertTrue(codec >= 0, names::toString);
        assertEquals(codec + 1, names.indexOf(WebSocketServer.UPGRADE_HANDLER_NAME), names::toString);
        assertEquals(codec + 2, names.indexOf(WebSocketServerInitializer.NOT_FOUND_HANDLER_NAME), names::toString);
        assertFalse(channel.finishAndReleaseAll());
    }
}
