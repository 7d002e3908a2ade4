package dev.nettyws.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Sec-WebSocket-Accept (RFC 6455 §1.3, §4.2.2) and the form of Sec-WebSocket-Key (§4.1). */
class WebSocketAcceptTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        // RFC 6455 §1.3
        "dGhlIHNhbXBsZSBub25jZQ==, s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
        // the project's seed documents
        "x3JJHMbDL1EzLkh9GBhXDw==, HSmrc0sMlYUkAGmm5OPpG2HaGWk=",
        "T2a6wZlAwhgQNqruZ2YUyg==, iBJKv/ALIW2DobfoA4dmr3JHBCY="
    })
    void section1_3_acceptIsBase64OfSha1OfKeyAndGuid(String key, String accept) {
        assertEquals(accept, WebSocketAccept.of(key));
        // The thread's digest is reset between calls.
        assertEquals(accept, WebSocketAccept.of(key));
    }

    @Test
    void guidIsTheOneOfSection1_3() {
        assertEquals("258EAFA5-E914-47DA-95CA-C5AB0DC85B11", WebSocketAccept.GUID);
    }

    @Test
    void nonAsciiKeyIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> WebSocketAccept.of("dGhlIHNhbXBsZSBub25jZQ\u00e9="));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dGhlIHNhbXBsZSBub25jZQ==", "AAAAAAAAAAAAAAAAAAAAAA==", "+/+/+/+/+/+/+/+/+/+/+w=="})
    void section4_2_1_keyOf16BytesIsValid(String key) {
        assertEquals(16, Base64.getDecoder().decode(key).length);
        assertTrue(WebSocketAccept.isValidKey(key));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        "AAAAAAAAAAAAAAAAAAAA",         // 15 bytes
        "AAAAAAAAAAAAAAAAAAAAAAA=",     // 17 bytes
        "AAAAAAAAAAAAAAAAAAAAAAAA",     // 18 bytes, no padding
        "dGhlIHNhbXBsZSBub25jZQ",       // 16 bytes without padding
        "dGhlIHNhbXBsZSBub25jZQ=*",
        "dGhlIHNhbXBsZSBub25jZ-==",     // URL-safe alphabet
        "dGhlIHNhbXBsZSBub25j ZQ==",
        "dGhlIHNhbXBsZSBub25jZQ==="
    })
    void section4_2_1_keyNotOf16BytesInBase64IsInvalid(String key) {
        assertFalse(WebSocketAccept.isValidKey(key));
    }
}
