package dev.nettyws.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.internal.Authority;
import dev.nettyws.internal.Origins;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The origin policies (RFC 6455 §4.2.2 item 4, §10.2; origins serialised as in RFC 6454 §6.2). */
class OriginPolicyTest {
    private static final String SERVER = "http://localhost:8080";
    private final OriginPolicy list = OriginPolicy.allowList(List.of("https://chat.example.com",
        "http://127.0.0.1:8080", "HTTPS://Upper.Example:443"));

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost:8080", "HTTP://LOCALHOST:8080", " http://localhost:8080"})
    void sameOriginAcceptsThePagesOfTheServerAsAddressed(String origin) {
        assertTrue(OriginPolicy.sameOrigin().allows(origin, SERVER));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost", "http://localhost:8081", "https://localhost:8080",
        "http://127.0.0.1:8080", "http://localhost.evil.example:8080", "null", "", "localhost:8080",
        "http://localhost:8080/", "http://user@localhost:8080", "ws://localhost:8080"})
    void sameOriginRefusesEveryOtherOrigin(String origin) {
        assertFalse(OriginPolicy.sameOrigin().allows(origin, SERVER));
    }

    @Test
    void defaultPortsAreTheSameOrigin() {
        assertTrue(OriginPolicy.sameOrigin().allows("http://example.com:80", "http://example.com"));
        assertTrue(OriginPolicy.sameOrigin().allows("https://example.com", "https://example.com"));
        assertFalse(OriginPolicy.sameOrigin().allows("http://example.com:443", "http://example.com"));
    }

    @Test
    void serverOriginFollowsTheConnectionsScheme() {
        Authority authority = Authority.parse("Chat.Example.com:443");
        assertEquals("https://chat.example.com", Origins.serverOrigin(authority, true));
        assertEquals("http://chat.example.com:443", Origins.serverOrigin(authority, false));
        assertEquals("http://[::1]:8080", Origins.serverOrigin(Authority.parse("[::1]:8080"), false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://chat.example.com", "HTTPS://CHAT.EXAMPLE.COM", "https://chat.example.com:443",
        "http://127.0.0.1:8080", "https://upper.example", "http://localhost:8080"})
    void allowListAcceptsListedOriginsAndTheSameOrigin(String origin) {
        assertTrue(list.allows(origin, SERVER));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://chat.example.com", "https://chat.example.com:8443", "https://evil.example.com",
        "https://chat.example.com.evil.example", "http://localhost", "null", "", "chat.example.com",
        "https://chat.example.com/"})
    void allowListRefusesEverythingElse(String origin) {
        assertFalse(list.allows(origin, SERVER));
    }

    @ParameterizedTest
    @ValueSource(strings = {"chat.example.com", "https://chat.example.com/", "https://chat.example.com/path",
        "null", "https://", "https://user@chat.example.com", "https://chat example.com", "1http://a.example",
        "https://a.example:99999"})
    void allowListEntriesMustBeOrigins(String entry) {
        assertThrows(IllegalArgumentException.class, () -> OriginPolicy.allowList(List.of(entry)));
    }

    @Test
    void allowAllAcceptsAnything() {
        assertTrue(OriginPolicy.allowAll().allows("null", SERVER));
        assertTrue(OriginPolicy.allowAll().allows("https://x.example", SERVER));
    }

    @Test
    void matchingDelegatesToThePredicateAndCombinesWithOr() {
        OriginPolicy subdomains = OriginPolicy.matching(origin -> origin.endsWith(".example.com"));
        assertTrue(subdomains.allows("https://a.example.com", SERVER));
        assertFalse(subdomains.allows("https://example.org", SERVER));
        assertFalse(subdomains.allows(SERVER, SERVER), "exactly what the predicate accepts");
        OriginPolicy both = OriginPolicy.sameOrigin().or(subdomains);
        assertTrue(both.allows(SERVER, SERVER));
        assertTrue(both.allows("https://a.example.com", SERVER));
        assertFalse(both.allows("null", SERVER));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a b", ":8080", "localhost:", "localhost:abc", "localhost:65536",
        "user@localhost", "local%68ost", "[::1", "[not-v6]:80", "::1", "a.example:80:80", "localhost\u001b[31m"})
    void malformedAuthoritiesDoNotParse(String text) {
        if ("localhost:".equals(text)) {
            assertEquals(-1, Authority.parse(text).port, "RFC 3986 §3.2.3 allows an empty port");
        } else {
            assertNull(Authority.parse(text), text);
        }
    }
}
