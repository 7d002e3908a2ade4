package dev.nettyws.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.client.WebSocketClientConfig;
import dev.nettyws.extension.deflate.PerMessageDeflateConfig;
import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.Role;
import dev.nettyws.server.WebSocketServerConfig;
import io.netty.channel.WriteBufferWaterMark;
import org.junit.jupiter.api.Test;

/**
 * The rule that makes limits fit together (issue 21): an endpoint configured for N-byte messages can always send an
 * N-byte message back, because its outbound limit ({@link ConnectionConfig#maxPendingWriteBytes()}) is derived from
 * the message limit by the server and client configuration builders when not set, and refused when set below it.
 */
class OutboundLimitRuleTest {
    private static final int MIB = 1 << 20;
    private static final int HIGH = 64 * 1024;

    /** The rule: the largest frame as it goes out, plus the high water mark, plus room for control frames. */
    private static long minimum(long maxMessage, boolean compressed, int highWaterMark) {
        long payload = compressed ? PerMessageDeflateConfig.maxCompressedLength(maxMessage) : maxMessage;
        return payload + 14 + highWaterMark + 1024;
    }

    @Test
    void fitToDerivesAnUnsetLimitAndChecksASetOne() {
        ConnectionConfig unset = ConnectionConfig.DEFAULT;
        assertFalse(unset.isMaxPendingWriteBytesSet());
        assertSame(unset, unset.fitTo(MIB, HIGH), "16 MiB covers a 1 MiB frame");
        ConnectionConfig derived = unset.fitTo(32L * MIB, HIGH);
        assertEquals(32L * MIB + HIGH + 1024, derived.maxPendingWriteBytes());
        assertFalse(derived.isMaxPendingWriteBytesSet(), "derived, so it follows the next fit too");
        assertEquals(ConnectionConfig.DEFAULT_MAX_PENDING_WRITE_BYTES, derived.fitTo(MIB, HIGH).maxPendingWriteBytes());

        ConnectionConfig set = ConnectionConfig.builder().maxPendingWriteBytes(2L * MIB).build();
        assertTrue(set.isMaxPendingWriteBytesSet());
        assertSame(set, set.fitTo(MIB, HIGH));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> set.fitTo(2L * MIB, HIGH));
        assertTrue(e.getMessage().startsWith("maxPendingWriteBytes (2097152) is below " + (2L * MIB + HIGH + 1024)),
            e.getMessage());
        ConnectionConfig off = ConnectionConfig.builder().maxPendingWriteBytes(0).build();
        assertSame(off, off.fitTo(1L << 40, HIGH), "0 turns the limit off, whatever the messages");
    }

    @Test
    void serverDerivesItsLimitFromItsMessageLimitAndCompression() {
        assertEquals(16L * MIB, WebSocketServerConfig.DEFAULT.connection().maxPendingWriteBytes());
        int high = WebSocketServerConfig.DEFAULT_WRITE_BUFFER_WATER_MARK.high();
        WebSocketServerConfig big = WebSocketServerConfig.builder().maxMessageLength(16 * MIB).build();
        assertEquals(minimum(16 * MIB, false, high), big.connection().maxPendingWriteBytes());
        WebSocketServerConfig compressed = big.toBuilder().deflate(true).build();
        assertEquals(minimum(16 * MIB, true, high), compressed.connection().maxPendingWriteBytes());
        WebSocketServerConfig ownMarks = big.toBuilder()
            .writeBufferWaterMark(new WriteBufferWaterMark(MIB, 4 * MIB)).build();
        assertEquals(minimum(16 * MIB, false, 4 * MIB), ownMarks.connection().maxPendingWriteBytes());
        assertEquals(16L * MIB, big.toBuilder().maxMessageLength(MIB).build().connection().maxPendingWriteBytes(),
            "a derived limit follows the message limit down again");
    }

    @Test
    void serverRefusesALimitSetBelowItsMessageLimit() {
        ConnectionConfig tight = ConnectionConfig.builder().maxPendingWriteBytes(16L * MIB).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> WebSocketServerConfig.builder().maxMessageLength(16 * MIB).connection(tight).build());
        assertTrue(e.getMessage().contains("maxPendingWriteBytes (16777216) is below"), e.getMessage());
        ConnectionConfig enough = ConnectionConfig.builder().maxPendingWriteBytes(17L * MIB).build();
        assertEquals(17L * MIB, WebSocketServerConfig.builder().maxMessageLength(16 * MIB).connection(enough).build()
            .connection().maxPendingWriteBytes());
    }

    @Test
    void clientDerivesItsLimitTheSameWay() {
        assertEquals(16L * MIB, WebSocketClientConfig.DEFAULT.connection().maxPendingWriteBytes());
        FrameConfig frames = FrameConfig.builder().role(Role.CLIENT).maxLength(32 * MIB).build();
        WebSocketClientConfig client = WebSocketClientConfig.builder().frames(frames).deflate(true).build();
        assertEquals(minimum(32 * MIB, true, WriteBufferWaterMark.DEFAULT.high()),
            client.connection().maxPendingWriteBytes());
        ConnectionConfig tight = ConnectionConfig.builder().maxPendingWriteBytes(32L * MIB).build();
        assertThrows(IllegalArgumentException.class,
            () -> WebSocketClientConfig.builder().frames(frames).connection(tight).build());
    }
}
