package dev.nettyws.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.handshake.ServerHandshakeConfig;
import dev.nettyws.protocol.HandlerNames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The connection side of {@link WebSocketHttp2}: what it installs, what it announces, and its idle timeout. */
class WebSocketHttp2Test {
    private static final int SETTINGS = 0x4;
    private static final int SETTINGS_ENABLE_CONNECT_PROTOCOL = 0x8;
    private static final int SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;
    private static final int SETTINGS_MAX_HEADER_LIST_SIZE = 0x6;

    private static EmbeddedChannel connection(WebSocketServerConfig config) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        WebSocketHttp2.install(channel.pipeline(), config, ChannelInboundHandlerAdapter::new, null);
        return channel;
    }

    /** The parameters of the SETTINGS frames the server wrote (RFC 9113 §6.5.1: 16-bit id, 32-bit value). */
    private static Map<Integer, Long> settingsSent(EmbeddedChannel channel) {
        ByteBuf out = Unpooled.buffer();
        for (ByteBuf chunk; (chunk = channel.readOutbound()) != null; ) {
            out.writeBytes(chunk);
            chunk.release();
        }
        Map<Integer, Long> settings = new HashMap<>();
        try {
            while (out.readableBytes() >= 9) {
                int length = out.readUnsignedMedium();
                int type = out.readUnsignedByte();
                out.skipBytes(5);
                ByteBuf payload = out.readSlice(length);
                while (type == SETTINGS && payload.readableBytes() >= 6) {
                    settings.put(payload.readUnsignedShort(), payload.readUnsignedInt());
                }
            }
        } finally {
            out.release();
        }
        return settings;
    }

    @Test
    void rfc8441Section3TheFirstSettingsEnableExtendedConnect() {
        EmbeddedChannel channel = connection(WebSocketServerConfig.builder().path("/ws").maxHeaderSize(4096).build());
        Map<Integer, Long> settings = settingsSent(channel);
        assertEquals(1L, settings.get(SETTINGS_ENABLE_CONNECT_PROTOCOL));
        assertEquals((long) WebSocketHttp2.DEFAULT_MAX_CONCURRENT_STREAMS,
            settings.get(SETTINGS_MAX_CONCURRENT_STREAMS));
        assertEquals(4096L, settings.get(SETTINGS_MAX_HEADER_LIST_SIZE));
        List<String> names = channel.pipeline().names();
        assertEquals(List.of(HandlerNames.HTTP2_CODEC, HandlerNames.HTTP2_IDLE, HandlerNames.HTTP2_MULTIPLEX),
            names.subList(0, 3));
        channel.finishAndReleaseAll();
    }

    @Test
    void aConnectionWithoutStreamsIsClosedAfterTheHandshakeTimeout() {
        Duration timeout = Duration.ofSeconds(3);
        EmbeddedChannel channel = connection(WebSocketServerConfig.builder()
            .handshake(ServerHandshakeConfig.builder().path("/ws").handshakeTimeout(timeout).build()).build());
        settingsSent(channel);
        channel.advanceTimeBy(timeout.toMillis() - 1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isActive(), "open until the timeout");
        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isActive(), "a client that sends nothing cannot hold the connection");
        channel.finishAndReleaseAll();
    }
}
