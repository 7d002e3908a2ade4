package dev.nettyws.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.extension.deflate.PerMessageDeflateConfig;
import dev.nettyws.frame.FrameConfig;
import dev.nettyws.handshake.ServerHandshakeConfig;
import dev.nettyws.internal.ServerExtensionNegotiator;
import dev.nettyws.internal.deflate.PerMessageDeflateServerNegotiator;
import dev.nettyws.protocol.ConnectionConfig;
import org.junit.jupiter.api.Test;

class WebSocketServerConfigTest {
    private static final ServerHandshakeConfig ECHO = ServerHandshakeConfig.builder().path("/echo").build();

    @Test
    void defaultsAreFinite() {
        WebSocketServerConfig config = WebSocketServerConfig.DEFAULT;
        assertSame(ServerHandshakeConfig.DEFAULT, config.handshake());
        assertSame(FrameConfig.SERVER_DEFAULT, config.frames());
        assertSame(ConnectionConfig.DEFAULT, config.connection());
        assertTrue(config.aggregate());
        assertEquals(FrameConfig.SERVER_DEFAULT.maxMessageLength(), config.maxAggregatedMessageLength());
        assertEquals(4096, config.maxInitialLineLength());
        assertEquals(8192, config.maxHeaderSize());
        assertEquals(32 * 1024, config.writeBufferWaterMark().low());
        assertEquals(64 * 1024, config.writeBufferWaterMark().high());
    }

    @Test
    void pathShortcutKeepsTheRestOfTheHandshake() {
        ServerHandshakeConfig chat = ServerHandshakeConfig.builder().subprotocols("chat.v1").build();
        WebSocketServerConfig config = WebSocketServerConfig.builder().handshake(chat).path("/chat").build();
        assertEquals("/chat", config.handshake().path());
        assertEquals(chat.subprotocols(), config.handshake().subprotocols());
    }

    @Test
    void toBuilderKeepsEveryValue() {
        WebSocketServerConfig config = WebSocketServerConfig.builder().handshake(ECHO).aggregate(false)
            .maxMessageLength(1000).maxInitialLineLength(100).maxHeaderSize(200).build();
        WebSocketServerConfig copy = config.toBuilder().build();
        assertEquals(config.toString(), copy.toString());
        assertSame(ECHO, copy.handshake());
    }

    @Test
    void clientFrameRoleIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> WebSocketServerConfig.builder().frames(FrameConfig.CLIENT_DEFAULT).build());
        assertEquals("frames must have role SERVER, not CLIENT", e.getMessage());
    }

    @Test
    void aggregationLimitFollowsTheFrameConfigUntilSet() {
        WebSocketServerConfig smaller = WebSocketServerConfig.DEFAULT.toBuilder()
            .frames(FrameConfig.SERVER_DEFAULT.toBuilder().maxLength(1000).build()).build();
        assertEquals(1000, smaller.maxAggregatedMessageLength());
        WebSocketServerConfig set = smaller.toBuilder().maxAggregatedMessageLength(10).build();
        assertEquals(10, set.maxAggregatedMessageLength());
        // Once set, a later frame change does not move it.
        assertEquals(10, set.toBuilder().frames(FrameConfig.SERVER_DEFAULT).build().maxAggregatedMessageLength());
        // Never set, it keeps following through toBuilder().
        assertEquals(FrameConfig.SERVER_DEFAULT.maxMessageLength(),
            smaller.toBuilder().frames(FrameConfig.SERVER_DEFAULT).build().maxAggregatedMessageLength());
    }

    @Test
    void maxMessageLengthSetsFrameMessageAndAggregationLimits() {
        WebSocketServerConfig config = WebSocketServerConfig.builder().maxMessageLength(16 << 20).build();
        assertEquals(16 << 20, config.frames().maxFramePayloadLength());
        assertEquals(16 << 20, config.frames().maxMessageLength());
        assertEquals(16 << 20, config.maxAggregatedMessageLength());
    }

    @Test
    void aggregationLimitAboveTheDecoderLimitIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> WebSocketServerConfig.builder().maxAggregatedMessageLength((1 << 20) + 1).build());
        assertEquals("maxAggregatedMessageLength (1048577) exceeds the frame config's maxMessageLength (1048576)",
            e.getMessage());
    }

    @Test
    void negativeAggregationLimitIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> WebSocketServerConfig.builder().maxAggregatedMessageLength(-1).build());
        assertEquals("maxAggregatedMessageLength must be >= 0: -1", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WebSocketServerConfig.builder().maxMessageLength(-1));
    }

    @Test
    void nonPositiveHttpLimitsAreRejected() {
        IllegalArgumentException line = assertThrows(IllegalArgumentException.class,
            () -> WebSocketServerConfig.builder().maxInitialLineLength(0).build());
        assertEquals("maxInitialLineLength must be > 0: 0", line.getMessage());
        IllegalArgumentException header = assertThrows(IllegalArgumentException.class,
            () -> WebSocketServerConfig.builder().maxHeaderSize(0).build());
        assertEquals("maxHeaderSize must be > 0: 0", header.getMessage());
    }

    @Test
    void compressionIsOffByDefault() {
        assertNull(WebSocketServerConfig.DEFAULT.compression());
        assertSame(ServerExtensionNegotiator.NONE, WebSocketServerConfig.DEFAULT.extensionNegotiator());
    }

    @Test
    void compressionMakesThePermessageDeflateNegotiatorOnce() {
        WebSocketServerConfig config = WebSocketServerConfig.builder().deflate(true).build();
        assertSame(PerMessageDeflateConfig.DEFAULT, config.compression());
        assertInstanceOf(PerMessageDeflateServerNegotiator.class, config.extensionNegotiator());
        WebSocketServerConfig rebuilt = config.toBuilder().build();
        assertSame(PerMessageDeflateConfig.DEFAULT, rebuilt.compression(), "toBuilder keeps compression");
        assertNull(config.toBuilder().deflate(false).build().compression());
    }
}
