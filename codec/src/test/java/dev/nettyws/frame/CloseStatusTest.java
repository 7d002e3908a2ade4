package dev.nettyws.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which close codes may travel in a close frame (RFC 6455 §7.4.1, §7.4.2 and the IANA registry). */
class CloseStatusTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000,
        4999})
    void section7_4_codesThatMayBeSent(int code) {
        assertTrue(CloseStatus.isValidOnWire(code));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {-1, 0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535, 65536})
    void section7_4_codesThatMayNotBeSent(int code) {
        assertFalse(CloseStatus.isValidOnWire(code));
    }

    @Test
    void section7_4_everySixteenBitCodeIsClassifiedByTheRanges() {
        for (int code = 0; code <= 0xFFFF; code++) {
            boolean registered = code >= 1000 && code <= 1014 && code != 1004 && code != 1005 && code != 1006;
            boolean application = code >= 3000 && code <= 4999;
            assertEquals(registered || application, CloseStatus.isValidOnWire(code), "code " + code);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"1000, normal closure", "1002, protocol error", "1005, no status received",
        "1007, invalid payload data", "1009, message too big", "1015, TLS handshake", "3000, library",
        "4999, application", "2000, unknown", "0, unknown"})
    void namesForLogs(int code, String name) {
        assertEquals(name, CloseStatus.name(code));
    }
}
