package dev.nettyws.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.CloseFrame;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.Role;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.protocol.ConnectionConfig;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The per-event-loop idle sweep that replaced a timer per connection: what it closes, keeps and forgets. */
class IdleSweepTest {
    private static final ConnectionConfig IDLE_10S = ConnectionConfig.DEFAULT.toBuilder()
        .idleTimeout(Duration.ofSeconds(10)).pingInterval(Duration.ZERO).build();

    private static EmbeddedChannel channel(ConnectionConfig config) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(new ConnectionHandler(Role.SERVER, config));
        return ch;
    }

    private static void advance(EmbeddedChannel ch, long millis) {
        ch.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        ch.runPendingTasks();
    }

    @Test
    void idleConnectionIsClosedWith1001_activeOneIsKept() {
        EmbeddedChannel idle = channel(IDLE_10S);
        EmbeddedChannel active = channel(IDLE_10S);
        advance(idle, 6_000);
        advance(active, 6_000);
        active.writeInbound(new TextFrame(Unpooled.copiedBuffer("still here", StandardCharsets.US_ASCII)));
        assertTrue(((TextFrame) active.readInbound()).release());
        advance(idle, 4_000);
        advance(active, 4_000);
        CloseFrame close = assertInstanceOf(CloseFrame.class, idle.readOutbound());
        assertEquals(CloseStatus.GOING_AWAY, close.statusCode());
        assertEquals(ConnectionConfig.IDLE_TIMEOUT_REASON, close.reasonText());
        assertTrue(close.release());
        assertNull(active.readOutbound(), "read 4 s ago: not idle");
        assertEquals(1, IdleSweep.watched(active.eventLoop()));
        assertEquals(0, IdleSweep.watched(idle.eventLoop()), "closing: no longer watched");
        idle.finishAndReleaseAll();
        active.finishAndReleaseAll();
    }

    @Test
    void theLoopsSweepIsForgottenWithItsLastConnection() {
        EmbeddedChannel ch = channel(IDLE_10S);
        assertEquals(1, IdleSweep.watched(ch.eventLoop()));
        ch.unsafe().close(ch.voidPromise());
        ch.runPendingTasks();
        assertEquals(0, IdleSweep.watched(ch.eventLoop()), "nothing kept for a loop without connections");
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void noTimeoutAndNoPingMeansNoSweep() {
        EmbeddedChannel ch = channel(IDLE_10S.toBuilder().idleTimeout(Duration.ZERO).build());
        assertEquals(0, IdleSweep.watched(ch.eventLoop()));
        advance(ch, 3_600_000);
        assertNull(ch.readOutbound(), "an hour of silence, and no ping or close");
        ch.unsafe().close(ch.voidPromise());
        ch.runPendingTasks();
        assertFalse(ch.finishAndReleaseAll());
    }
}
