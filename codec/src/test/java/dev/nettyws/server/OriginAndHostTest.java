package dev.nettyws.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nettyws.handshake.OriginPolicy;
import dev.nettyws.handshake.ServerHandshakeConfig;
import dev.nettyws.testsupport.HandshakeRequest;
import dev.nettyws.testsupport.RawHttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cross-site WebSocket hijacking (RFC 6455 §10.2) and DNS rebinding: with the defaults, a browser page of another
 * origin is refused with 403, a request for a host name this server was not configured for with 421 (RFC 9110
 * §15.5.20), a malformed Host with 400 (RFC 9112 §3.2), while non-browser clients (no Origin) and the server's own
 * pages, reached by IP address or {@code localhost}, are served.
 */
class OriginAndHostTest {
    private TestServer server;

    @AfterEach
    void releaseEverything() {
        if (server != null) {
            server.channel.finishAndReleaseAll();
        }
    }

    private RawHttpResponse handshake(ServerHandshakeConfig.Builder config, HandshakeRequest request) {
        server = new TestServer(config.path("/chat").build());
        server.send(request.toBuf());
        return server.response();
    }

    private RawHttpResponse handshake(HandshakeRequest request) {
        return handshake(ServerHandshakeConfig.builder(), request);
    }

    private static HandshakeRequest from(String host, String origin) {
        HandshakeRequest request = HandshakeRequest.to("/chat").set("Host", host);
        return origin == null ? request : request.add("Origin", origin);
    }

    private void assertRefused(RawHttpResponse response, int status, String reason) {
        assertEquals(status, response.status(), response.head());
        assertEquals(reason, response.body());
        assertEquals("close", response.header("Connection"));
        assertFalse(server.channel.isOpen());
        assertNull(server.initialized);
    }

    @ParameterizedTest(name = "Host {0}, Origin {1}")
    @CsvSource(nullValues = "none", value = {
        "localhost, none", "localhost:8080, none", "127.0.0.1:8080, none", "[::1]:8080, none",
        "localhost:8080, http://localhost:8080", "LocalHost:8080, http://localhost:8080",
        "127.0.0.1:8080, http://127.0.0.1:8080", "[::1]:8080, http://[::1]:8080", "localhost, http://localhost:80",
        "app.localhost:8080, http://app.localhost:8080", "192.168.1.20:8080, http://192.168.1.20:8080",
        "localhost.:8080, http://localhost.:8080"})
    void ownPagesAndNonBrowserClientsAreServedByDefault(String host, String origin) {
        assertEquals(101, handshake(from(host, origin)).status());
    }

    @ParameterizedTest(name = "Origin {0}")
    @ValueSource(strings = {"https://evil.example", "null", "http://localhost:8081", "https://localhost:8080",
        "http://127.0.0.1:8080", "http://localhost:8080.evil.example", "file://", "garbage"})
    void section10_2_otherOriginsAreRefused403(String origin) {
        assertRefused(handshake(from("localhost:8080", origin)), 403, "origin not allowed");
    }

    @Test
    void dnsRebindingIsRefused421EvenThoughOriginAndHostAgree() {
        // evil.example re-pointed at this server: the page's origin and the Host both name evil.example.
        assertRefused(handshake(from("evil.example:8080", "http://evil.example:8080")), 421, "host not allowed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"evil.example", "chat.example.com", "localhost.evil.example", "127.0.0.1.nip.io"})
    void hostNamesNotConfiguredAreRefused421WithOrWithoutOrigin(String host) {
        assertRefused(handshake(from(host, null)), 421, "host not allowed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", ":8080", "localhost:abc", "localhost:65536", "user@localhost", "[::1",
        "local%68ost", "localhost:8080:1"})
    void rfc9112_3_2_malformedHostIsRefused400(String host) {
        assertRefused(handshake(from(host, null)), 400, "invalid Host header");
    }

    @Test
    void rfc9112_3_2_2_absoluteFormTargetNamesTheHostInsteadOfTheHostHeader() {
        assertRefused(handshake(HandshakeRequest.to("http://evil.example/chat")), 421, "host not allowed");
        server.channel.finishAndReleaseAll();
        assertRefused(handshake(HandshakeRequest.to("http://user@localhost/chat")), 400, "malformed request target");
        server.channel.finishAndReleaseAll();
        assertEquals(101, handshake(HandshakeRequest.to("ws://127.0.0.1:8080/chat").set("Host", "junk.example"))
            .status());
    }

    @ParameterizedTest(name = "Host {0}")
    @CsvSource({"chat.example.com, 101", "CHAT.example.com:443, 101", "a.example.org, 101", "example.org, 101",
        "badexample.org, 421", "example.com, 421"})
    void allowedHostsNamesAndDomains(String host, int status) {
        RawHttpResponse response = handshake(ServerHandshakeConfig.builder()
            .allowedHosts("chat.example.com", ".Example.org."), from(host, null));
        assertEquals(status, response.status());
    }

    @Test
    void configuredHostServesItsOwnPagesOnly() {
        ServerHandshakeConfig.Builder config = ServerHandshakeConfig.builder().allowedHosts("chat.example.com");
        assertEquals(101, handshake(config, from("chat.example.com", "http://chat.example.com")).status());
        server.channel.finishAndReleaseAll();
        assertRefused(handshake(config, from("chat.example.com", "https://chat.example.com")), 403,
            "origin not allowed");
    }

    @Test
    void publicOriginBehindATlsProxyIsListed() {
        ServerHandshakeConfig.Builder config = ServerHandshakeConfig.builder().allowedHosts("chat.example.com")
            .originPolicy(OriginPolicy.allowList(List.of("https://chat.example.com")));
        assertEquals(101, handshake(config, from("chat.example.com", "https://chat.example.com")).status());
    }

    @Test
    void anyHostAndAnyOriginAreExplicitOptOuts() {
        ServerHandshakeConfig.Builder config = ServerHandshakeConfig.builder().allowedHosts("*")
            .originPolicy(OriginPolicy.allowAll());
        assertEquals(101, handshake(config, from("evil.example", "https://evil.example")).status());
        server.channel.finishAndReleaseAll();
        assertEquals(101, handshake(config, from("anything.example", "null")).status());
        server.channel.finishAndReleaseAll();
        assertRefused(handshake(config, from("a b", null)), 400, "invalid Host header");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad host", "http://chat.example.com", "chat.example.com:443", "", "*.example.com"})
    void allowedHostsMustBeNamesDomainsOrAStar(String entry) {
        assertThrows(IllegalArgumentException.class,
            () -> ServerHandshakeConfig.builder().allowedHosts(entry).build());
    }
}
