package dev.nettyws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.CloseFrame;
import dev.nettyws.protocol.WebSocketClosedEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Peer text made safe for logs: no forged lines, no terminal escapes, no reordering, no flood. */
class PeerTextTest {
    static Stream<Arguments> peerTextAndWhatIsLogged() {
        return Stream.of(
            Arguments.of("bye\nFORGED admin logged in", "bye\\nFORGED admin logged in"),
            Arguments.of("\r\n", "\\r\\n"),
            Arguments.of("a\tb", "a\\tb"),
            Arguments.of("\u001b[31mred\u001b[0m", "\\u001B[31mred\\u001B[0m"),
            Arguments.of("ding\u0007", "ding\\u0007"),
            Arguments.of("nul\u0000", "nul\\u0000"),
            Arguments.of("del\u007f", "del\\u007F"),
            Arguments.of("csi\u009b2J", "csi\\u009B2J"),
            Arguments.of("txt.\u202Egpj", "txt.\\u202Egpj"),
            Arguments.of("zero\u200Bwidth\uFEFF", "zero\\u200Bwidth\\uFEFF"),
            Arguments.of("line\u2028para\u2029", "line\\u2028para\\u2029"),
            Arguments.of("back\\slash", "back\\\\slash"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("peerTextAndWhatIsLogged")
    void controlAndFormatCharactersAreEscaped(String peer, String logged) {
        assertEquals(logged, PeerText.forLog(peer));
    }

    @Test
    void ordinaryTextIncludingNonAsciiIsKeptAsIs() {
        String text = "d\u00e9j\u00e0 vu, \u65e5\u672c\u8a9e, \uD83D\uDE00 \"quoted\" <tag>";
        assertEquals(text, PeerText.forLog(text));
    }

    @Test
    void unpairedSurrogatesAreEscaped() {
        assertEquals("a\\uD800b\\uDC00", PeerText.forLog("a\uD800b\uDC00"));
    }

    @Test
    void longTextIsCutWithACountAndNeverInsideASurrogatePair() {
        String text = "x".repeat(1000);
        assertEquals("x".repeat(256) + "...(744 more)", PeerText.forLog(text));
        assertEquals("ab...(2 more)", PeerText.forLog("ab\uD83D\uDE00", 3), "the pair is not split");
        assertEquals("ab\uD83D\uDE00", PeerText.forLog("ab\uD83D\uDE00", 4));
        assertThrows(IllegalArgumentException.class, () -> PeerText.forLog("x", 0));
        assertEquals("null", PeerText.forLog((CharSequence) null));
    }

    @Test
    void throwableForTheLoggerKeepsClassStackAndCausesWithSafeMessages() {
        IllegalStateException cause = new IllegalStateException("bad header \u001b]0;owned\u0007");
        RuntimeException thrown = new RuntimeException("line one\nFORGED line", cause);
        Throwable safe = PeerText.forLog(thrown);
        StringWriter printed = new StringWriter();
        safe.printStackTrace(new PrintWriter(printed));
        String[] lines = printed.toString().split("\n");
        assertEquals("java.lang.RuntimeException: line one\\nFORGED line", lines[0]);
        assertTrue(printed.toString().contains("Caused by: java.lang.IllegalStateException: bad header "
            + "\\u001B]0;owned\\u0007"), printed::toString);
        assertFalse(printed.toString().contains("\u001b"));
        assertArrayEquals(thrown.getStackTrace(), safe.getStackTrace());
        assertNull(safe.getCause().getCause());
    }

    @Test
    void closeReasonsInToStringAreSafe() {
        String forged = "bye\n[main] INFO dev.nettyws.example.Main - FORGED admin logged in";
        WebSocketClosedEvent event = new WebSocketClosedEvent(1000, forged, true, true);
        assertFalse(event.toString().contains("\n"), event::toString);
        CloseFrame frame = new CloseFrame(1000, "bye\u001b[2J");
        try {
            assertTrue(frame.toString().contains("bye\\u001B[2J"), frame::toString);
        } finally {
            frame.release();
        }
    }
}
