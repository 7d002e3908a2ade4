package dev.nettyws.example.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Peer data in log lines: quoted, with every character that could break or reorder a line escaped. */
class LogTextTest {
    @Test
    void lineBreaksAndTerminalControlsAreEscaped() {
        assertEquals("\"bye\\n[main] INFO FORGED admin logged in\"",
            LogText.quote("bye\n[main] INFO FORGED admin logged in"));
        assertEquals("\"\\r\\u001B[2J\\u0007\\\"q\\\"\\\\\"", LogText.quote("\r\u001b[2J\u0007\"q\"\\"));
        assertEquals("\"\\u0085\\u2028\\u2029\\u202E\\u007F\"", LogText.quote("\u0085\u2028\u2029\u202e\u007f"),
            "next line, line and paragraph separators, a right-to-left override, DEL");
        assertEquals("\"h\u00e9llo \ud83d\ude00\"", LogText.quote("h\u00e9llo \ud83d\ude00"), "text stays text");
        assertEquals("null", LogText.quote(null));
    }

    @Test
    void longValuesAreCut() {
        String quoted = LogText.quote("x".repeat(10_000));
        assertEquals(LogText.MAX_CHARS + 5, quoted.length());
        assertTrue(quoted.endsWith("\"..."));
    }
}
