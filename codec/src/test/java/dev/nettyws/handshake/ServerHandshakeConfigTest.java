package dev.nettyws.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ServerHandshakeConfigTest {

    @Test
    void defaults() {
        ServerHandshakeConfig config = ServerHandshakeConfig.builder().build();
        assertEquals("/", config.path());
        assertFalse(config.matchPrefix());
        assertEquals(List.of(), config.subprotocols());
        assertFalse(config.requireSubprotocol());
        assertTrue(config.originPolicy().allows("http://localhost:8080", "http://localhost:8080"), "same origin");
        assertFalse(config.originPolicy().allows("https://anywhere.example", "http://localhost:8080"));
        assertTrue(config.allowMissingOrigin());
        assertEquals(List.of(), config.allowedHosts());
        assertSame(HandshakeInterceptor.ACCEPT_ALL, config.interceptor());
        assertEquals(Duration.ofSeconds(10), config.handshakeTimeout());
        assertEquals(Duration.ofSeconds(10), ServerHandshakeConfig.DEFAULT.handshakeTimeout());
        assertEquals(Duration.ofSeconds(30), config.httpExchangeTimeout());
    }

    @Test
    void toBuilderKeepsEveryValue() {
        OriginPolicy origins = OriginPolicy.allowList(List.of("https://a.example"));
        HandshakeInterceptor interceptor = (request, channel) -> null;
        ServerHandshakeConfig config = ServerHandshakeConfig.builder().path("/chat").matchPrefix(true)
            .subprotocols("v2", "v1").requireSubprotocol(true).originPolicy(origins).allowMissingOrigin(false)
            .interceptor(interceptor).handshakeTimeout(Duration.ofSeconds(3))
            .httpExchangeTimeout(Duration.ofSeconds(4)).allowedHosts("chat.example.com", ".example.org").build();
        ServerHandshakeConfig copy = config.toBuilder().build();
        assertNotSame(config, copy);
        assertEquals("/chat", copy.path());
        assertTrue(copy.matchPrefix());
        assertEquals(List.of("v2", "v1"), copy.subprotocols());
        assertTrue(copy.requireSubprotocol());
        assertSame(origins, copy.originPolicy());
        assertFalse(copy.allowMissingOrigin());
        assertSame(interceptor, copy.interceptor());
        assertEquals(Duration.ofSeconds(3), copy.handshakeTimeout());
        assertEquals(Duration.ofSeconds(4), copy.httpExchangeTimeout());
        assertEquals(List.of("chat.example.com", ".example.org"), copy.allowedHosts());
    }

    @Test
    void subprotocolListIsCopied() {
        List<String> list = new ArrayList<>(List.of("a"));
        ServerHandshakeConfig config = ServerHandshakeConfig.builder().subprotocols(list).build();
        list.add("b");
        assertEquals(List.of("a"), config.subprotocols());
        assertThrows(UnsupportedOperationException.class, () -> config.subprotocols().add("c"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "chat", "/chat?x=1", "/chat#top", "/a b", "/caf\u00e9"})
    void invalidPathIsRejectedAtBuild(String path) {
        assertThrows(IllegalArgumentException.class, () -> ServerHandshakeConfig.builder().path(path).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "chat v1", "chat,v1", "chat\"", "caf\u00e9"})
    void subprotocolThatIsNotATokenIsRejectedAtBuild(String subprotocol) {
        assertThrows(IllegalArgumentException.class,
            () -> ServerHandshakeConfig.builder().subprotocols(subprotocol).build());
    }

    @Test
    void duplicateSubprotocolIsRejectedAtBuild() {
        assertThrows(IllegalArgumentException.class,
            () -> ServerHandshakeConfig.builder().subprotocols("a", "a").build());
    }

    @Test
    void requiredSubprotocolNeedsOne() {
        assertThrows(IllegalArgumentException.class,
            () -> ServerHandshakeConfig.builder().requireSubprotocol(true).build());
    }

    @Test
    void timeoutMustBePositiveAndFinite() {
        assertThrows(IllegalArgumentException.class,
            () -> ServerHandshakeConfig.builder().handshakeTimeout(Duration.ZERO).build());
        assertThrows(IllegalArgumentException.class,
            () -> ServerHandshakeConfig.builder().handshakeTimeout(Duration.ofSeconds(-1)).build());
        assertThrows(IllegalArgumentException.class,
            () -> ServerHandshakeConfig.builder().handshakeTimeout(Duration.ofSeconds(Long.MAX_VALUE)).build());
    }

    @Test
    void nullsAreRejected() {
        ServerHandshakeConfig.Builder builder = ServerHandshakeConfig.builder();
        assertThrows(NullPointerException.class, () -> builder.path(null));
        assertThrows(NullPointerException.class, () -> builder.originPolicy(null));
        assertThrows(NullPointerException.class, () -> builder.interceptor(null));
        assertThrows(NullPointerException.class, () -> builder.handshakeTimeout(null));
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @CsvSource({
        "EXACT,  /chat,  /chat,            true",
        "EXACT,  /chat,  /chat?room=1,     true",
        "EXACT,  /chat,  /chat/,           false",
        "EXACT,  /chat,  /chat/x,          false",
        "EXACT,  /chat,  /Chat,            false",
        "EXACT,  /chat,  /ch%61t,          false",
        "EXACT,  /chat,  http://h:8080/chat?x, true",
        "EXACT,  /,      http://h,         true",
        "EXACT,  /,      /index.html,      false",
        "PREFIX, /chat,  /chat,            true",
        "PREFIX, /chat,  /chat?x=1,        true",
        "PREFIX, /chat,  /chat/,           true",
        "PREFIX, /chat,  /chat/room/1,     true",
        "PREFIX, /chat,  /chatter,         false",
        "PREFIX, /chat,  /cha,             false",
        "PREFIX, /chat/, /chat/x,          true",
        "PREFIX, /chat/, /chat,            false",
        "PREFIX, /,      /anything,        true"
    })
    void pathMatchingIgnoresTheQuery(String match, String path, String target, boolean matches) {
        ServerHandshakeConfig config = ServerHandshakeConfig.builder().path(path).matchPrefix("PREFIX".equals(match))
            .build();
        assertEquals(matches, config.matchesPath(target));
    }
}
