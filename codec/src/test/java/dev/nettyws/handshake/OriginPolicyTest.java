package dev.nettyws.handshake;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The origin policies (RFC 6455 §4.2.2 item 4, §10.2; origins serialised as in RFC 6454 §6). */
class OriginPolicyTest {
    private final OriginPolicy list = OriginPolicy.allowList(List.of("https://chat.example.com",
        "http://localhost:8080", "HTTPS://Upper.Example:443"));

    @ParameterizedTest
    @ValueSource(strings = {"https://chat.example.com", "HTTPS://CHAT.EXAMPLE.COM", "https://chat.example.com:443",
        "http://localhost:8080", "https://upper.example"})
    void allowListAcceptsListedOriginsIgnoringCaseAndDefaultPort(String origin) {
        assertTrue(list.allows(origin));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://chat.example.com", "https://chat.example.com:8443", "https://evil.example.com",
        "https://chat.example.com.evil.example", "http://localhost", "null", "", "chat.example.com",
        "https://chat.example.com/"})
    void allowListRefusesEverythingElse(String origin) {
        assertFalse(list.allows(origin));
    }

    @ParameterizedTest
    @ValueSource(strings = {"chat.example.com", "https://chat.example.com/", "https://chat.example.com/path",
        "null", "https://", "https://user@chat.example.com"})
    void allowListEntriesMustBeOrigins(String entry) {
        assertThrows(IllegalArgumentException.class, () -> OriginPolicy.allowList(List.of(entry)));
    }

    @Test
    void allowAllAcceptsAnything() {
        assertTrue(OriginPolicy.allowAll().allows("null"));
        assertTrue(OriginPolicy.allowAll().allows("https://x.example"));
    }

    @Test
    void matchingDelegatesToThePredicate() {
        OriginPolicy subdomains = OriginPolicy.matching(origin -> origin.endsWith(".example.com"));
        assertTrue(subdomains.allows("https://a.example.com"));
        assertFalse(subdomains.allows("https://example.org"));
    }
}
