package dev.nettyws.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing of Sec-WebSocket-Extensions (RFC 6455 §9.1). */
class ExtensionOfferTest {

    @Test
    void section9_1_extensionsWithParameters() {
        List<ExtensionOffer> offers = ExtensionOffer.parse(List.of(
            "permessage-deflate; client_max_window_bits, permessage-deflate;server_max_window_bits=10"));
        assertEquals(2, offers.size());
        assertEquals("permessage-deflate", offers.get(0).name());
        assertTrue(offers.get(0).parameters().containsKey("client_max_window_bits"));
        assertNull(offers.get(0).parameters().get("client_max_window_bits"));
        assertEquals(Map.of("server_max_window_bits", "10"), offers.get(1).parameters());
    }

    @Test
    void section9_1_quotedValueIsUnquoted() {
        ExtensionOffer offer = ExtensionOffer.parse(List.of("x; a=\"10\"; b=\"\\t\"")).get(0);
        assertEquals("10", offer.parameters().get("a"));
        assertEquals("t", offer.parameters().get("b"));
    }

    @Test
    void section9_1_repeatedHeadersAreOneList() {
        List<ExtensionOffer> offers = ExtensionOffer.parse(List.of("foo", "bar; baz=2"));
        assertEquals(List.of("foo", "bar"), List.of(offers.get(0).name(), offers.get(1).name()));
    }

    @Test
    void emptyListElementsAndWhitespaceAreSkipped() {
        List<ExtensionOffer> offers = ExtensionOffer.parse(List.of(" , foo ;\tp = v ,, bar ,"));
        assertEquals(2, offers.size());
        assertEquals(Map.of("p", "v"), offers.get(0).parameters());
        assertEquals(List.of(), ExtensionOffer.parse(List.of("", " , ")));
    }

    @Test
    void duplicateParameterIsFlaggedAndTheFirstValueKept() {
        ExtensionOffer offer = ExtensionOffer.parse(List.of("x; a=1; a=2")).get(0);
        assertTrue(offer.hasDuplicateParameters());
        assertEquals("1", offer.parameters().get("a"));
        assertFalse(ExtensionOffer.parse(List.of("x; a=1; b=2")).get(0).hasDuplicateParameters());
    }

    @ParameterizedTest
    @ValueSource(strings = {"x;", "x; =1", "x; a=", "x; a=\"1 0\"", "x; a=\"10", "x y", "x; a=1 2", "\"x\"",
        "x; a=\"\""})
    void section9_1_malformedValueIsRejected(String value) {
        assertThrows(IllegalArgumentException.class, () -> ExtensionOffer.parse(List.of(value)));
    }

    @Test
    void toStringIsHeaderSyntax() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("server_no_context_takeover", null);
        parameters.put("client_max_window_bits", "10");
        ExtensionOffer offer = new ExtensionOffer("permessage-deflate", parameters);
        assertEquals("permessage-deflate; server_no_context_takeover; client_max_window_bits=10", offer.toString());
        assertEquals(List.of(offer), ExtensionOffer.parse(List.of(offer.toString())));
    }

    @Test
    void constructorRejectsNonTokens() {
        assertThrows(IllegalArgumentException.class, () -> new ExtensionOffer("a b", Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new ExtensionOffer("a", Map.of("p", "1 2")));
    }
}
