package dev.nettyws.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link ConnectionConfig}: defaults, copying and validation. */
class ConnectionConfigTest {

    @Test
    void defaults() {
        ConnectionConfig config = ConnectionConfig.DEFAULT;
        assertEquals(Duration.ofSeconds(5), config.closeTimeout());
        assertEquals(Duration.ofMinutes(5), config.idleTimeout());
        assertEquals(Duration.ZERO, config.pingInterval());
        assertFalse(config.forwardPongs());
    }

    @Test
    void toBuilderCopiesEveryValue() {
        ConnectionConfig config = ConnectionConfig.builder().closeTimeout(Duration.ofSeconds(1))
            .idleTimeout(Duration.ofSeconds(60)).pingInterval(Duration.ofSeconds(20)).forwardPongs(true).build();
        ConnectionConfig copy = config.toBuilder().build();
        assertEquals(config.toString(), copy.toString());
        assertEquals(Duration.ofSeconds(20), copy.pingInterval());
        assertTrue(copy.forwardPongs());
    }

    @Test
    void closeTimeoutMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> ConnectionConfig.builder().closeTimeout(Duration.ZERO).build());
        assertEquals("closeTimeout must be positive: PT0S", e.getMessage());
    }

    @Test
    void durationsMustNotBeNegative() {
        assertThrows(IllegalArgumentException.class,
            () -> ConnectionConfig.builder().idleTimeout(Duration.ofSeconds(-1)).build());
        assertThrows(IllegalArgumentException.class,
            () -> ConnectionConfig.builder().pingInterval(Duration.ofSeconds(-1)).build());
    }

    @Test
    void durationsMustFitInNanoseconds() {
        assertThrows(IllegalArgumentException.class,
            () -> ConnectionConfig.builder().idleTimeout(Duration.ofDays(365L * 1000)).build());
    }

    @Test
    void pingIntervalMustBeShorterThanTheIdleTimeout() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConnectionConfig.builder()
            .idleTimeout(Duration.ofSeconds(30)).pingInterval(Duration.ofSeconds(30)).build());
        assertEquals("pingInterval (PT30S) must be shorter than idleTimeout (PT30S)", e.getMessage());
        // Either one alone is fine.
        ConnectionConfig.builder().idleTimeout(Duration.ZERO).pingInterval(Duration.ofHours(1)).build();
    }

    @Test
    void nullsAreRejected() {
        assertThrows(NullPointerException.class, () -> ConnectionConfig.builder().closeTimeout(null));
    }
}
