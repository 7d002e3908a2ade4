package dev.nettyws.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.Role;
import dev.nettyws.handshake.ServerHandshakeConfig;
import org.junit.jupiter.api.Test;

class WebSocketServerConfigTest {
    private static final ServerHandshakeConfig ECHO = ServerHandshakeConfig.builder().path("/echo").build();

    @Test
    void defaultsAreFinite() {
        WebSocketServerConfig config = WebSocketServerConfig.builder(ECHO).build();
        assertSame(ECHO, config.handshake());
        assertSame(FrameConfig.SERVER_DEFAULT, config.frame());
        assertTrue(config.aggregateMessages());
        assertEquals(FrameConfig.SERVER_DEFAULT.maxMessageLength(), config.maxAggregatedMessageLength());
        assertEquals(4096, config.maxInitialLineLength());
        assertEquals(8192, config.maxHeaderSize());
        assertEquals(32 * 1024, config.writeBufferWaterMark().low());
        assertEquals(64 * 1024, config.writeBufferWaterMark().high());
    }

    @Test
    void clientFrameRoleIsForcedToServer() {
        WebSocketServerConfig config = WebSocketServerConfig.builder(ECHO).frame(FrameConfig.CLIENT_DEFAULT).build();
        assertEquals(Role.SERVER, config.frame().role());
    }

    @Test
    void aggregationLimitFollowsTheFrameConfigUntilSet() {
        WebSocketServerConfig config = WebSocketServerConfig.builder(ECHO).build();
        WebSocketServerConfig smaller = config.toBuilder()
            .frame(FrameConfig.SERVER_DEFAULT.toBuilder().maxLength(1000).build()).build();
        assertEquals(1000, smaller.maxAggregatedMessageLength());
        WebSocketServerConfig set = smaller.toBuilder().maxAggregatedMessageLength(10).build();
        assertEquals(10, set.maxAggregatedMessageLength());
        assertEquals(10, set.toBuilder().build().maxAggregatedMessageLength());
    }

    @Test
    void maxMessageLengthSetsFrameMessageAndAggregationLimits() {
        WebSocketServerConfig config = WebSocketServerConfig.builder(ECHO).maxMessageLength(16 << 20).build();
        assertEquals(16 << 20, config.frame().maxFramePayloadLength());
        assertEquals(16 << 20, config.frame().maxMessageLength());
        assertEquals(16 << 20, config.maxAggregatedMessageLength());
    }

    @Test
    void aggregationLimitAboveTheDecoderLimitIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> WebSocketServerConfig.builder(ECHO).maxAggregatedMessageLength((1 << 20) + 1).build());
        assertEquals("maxAggregatedMessageLength (1048577) exceeds the frame config's maxMessageLength (1048576)",
            e.getMessage());
    }

    @Test
    void nonPositiveHttpLimitsAreRejected() {
        assertThrows(IllegalArgumentException.class,
            () -> WebSocketServerConfig.builder(ECHO).maxInitialLineLength(0).build());
        assertThrows(IllegalArgumentException.class,
            () -> WebSocketServerConfig.builder(ECHO).maxHeaderSize(0).build());
        assertThrows(IllegalArgumentException.class,
            () -> WebSocketServerConfig.builder(ECHO).maxAggregatedMessageLength(-1));
    }
}
