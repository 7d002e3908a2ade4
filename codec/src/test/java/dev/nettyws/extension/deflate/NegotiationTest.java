package dev.nettyws.extension.deflate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.Role;
import dev.nettyws.internal.ExtensionOffer;
import dev.nettyws.internal.ServerExtensionNegotiator;
import dev.nettyws.internal.deflate.PerMessageDeflateClientNegotiator;
import dev.nettyws.internal.deflate.PerMessageDeflateParameters;
import dev.nettyws.internal.deflate.PerMessageDeflateServerNegotiator;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Negotiation of permessage-deflate (RFC 7692 §5, §7) on the server and the client. */
class NegotiationTest {
    private static final PerMessageDeflateServerNegotiator SERVER =
        new PerMessageDeflateServerNegotiator(PerMessageDeflateConfig.DEFAULT, FrameConfig.SERVER_DEFAULT);

    private static List<ExtensionOffer> offers(String header) {
        return ExtensionOffer.parse(List.of(header));
    }

    private static String negotiate(PerMessageDeflateServerNegotiator server, String header) {
        ServerExtensionNegotiator.Negotiated negotiated = server.negotiate(offers(header));
        return negotiated == null ? null : negotiated.responseHeaderValue();
    }

    // Every combination of the four parameters in an offer, answered by a server with the default configuration.

    static Stream<Arguments> everyOffer() {
        List<Arguments> all = new ArrayList<>();
        String[] serverBits = {null, "8", "10", "15"};
        String[] clientBits = {null, "", "8", "12", "15"};
        for (boolean serverNoContext : new boolean[] {false, true}) {
            for (boolean clientNoContext : new boolean[] {false, true}) {
                for (String server : serverBits) {
                    for (String client : clientBits) {
                        StringBuilder offer = new StringBuilder("permessage-deflate");
                        StringBuilder expected = new StringBuilder("permessage-deflate");
                        if (serverNoContext) {
                            offer.append("; server_no_context_takeover");
                            expected.append("; server_no_context_takeover");
                        }
                        if (clientNoContext) {
                            offer.append("; client_no_context_takeover");
                            expected.append("; client_no_context_takeover");
                        }
                        if (server != null) {
                            // §7.1.2.1: accepted by answering with the same (or a smaller) value.
                            offer.append("; server_max_window_bits=").append(server);
                            expected.append("; server_max_window_bits=").append(server);
                        }
                        if (client != null) {
                            offer.append("; client_max_window_bits").append(client.isEmpty() ? "" : "=" + client);
                            if (!client.isEmpty() && !client.equals("15")) {
                                expected.append("; client_max_window_bits=").append(client);
                            }
                        }
                        all.add(Arguments.of(offer.toString(), expected.toString()));
                    }
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("everyOffer")
    void section7_everyValidOfferIsAccepted(String offer, String expectedResponse) {
        String response = negotiate(SERVER, offer);
        assertEquals(expectedResponse, response);
        // The answer is itself a valid response (§7: client_max_window_bits with a value, windows 8-15).
        PerMessageDeflateParameters.parse(offers(response).get(0), true);
    }

    @Test
    void section7_1_2_2_clientMaxWindowBitsWithoutValueIsAnsweredWithTheConfiguredLimit() {
        PerMessageDeflateServerNegotiator server = server(PerMessageDeflateConfig.builder().clientMaxWindowBits(10));
        assertEquals("permessage-deflate; client_max_window_bits=10",
            negotiate(server, "permessage-deflate; client_max_window_bits"));
        assertEquals("permessage-deflate; client_max_window_bits=9",
            negotiate(server, "permessage-deflate; client_max_window_bits=9"));
    }

    @Test
    void section7_1_2_2_clientMaxWindowBitsIsNeverSentUnoffered() {
        PerMessageDeflateServerNegotiator server = server(PerMessageDeflateConfig.builder().clientMaxWindowBits(10));
        assertEquals("permessage-deflate", negotiate(server, "permessage-deflate"));
    }

    @Test
    void section7_1_2_1_serverMaxWindowBitsIsTheSmallerOfOfferAndConfiguration() {
        PerMessageDeflateServerNegotiator server = server(PerMessageDeflateConfig.builder().serverMaxWindowBits(11));
        assertEquals("permessage-deflate; server_max_window_bits=11", negotiate(server, "permessage-deflate"));
        assertEquals("permessage-deflate; server_max_window_bits=9",
            negotiate(server, "permessage-deflate; server_max_window_bits=9"));
        assertEquals("permessage-deflate; server_max_window_bits=11",
            negotiate(server, "permessage-deflate; server_max_window_bits=13"));
    }

    @Test
    void section7_1_1_noContextTakeoverMayBeAddedByTheServer() {
        PerMessageDeflateServerNegotiator server = server(PerMessageDeflateConfig.builder()
            .serverNoContextTakeover(true).clientNoContextTakeover(true));
        assertEquals("permessage-deflate; server_no_context_takeover; client_no_context_takeover",
            negotiate(server, "permessage-deflate"));
    }

    @Test
    void quotedValuesAreAccepted() {
        assertEquals("permessage-deflate; server_max_window_bits=10; client_max_window_bits=9",
            negotiate(SERVER, "permessage-deflate; server_max_window_bits=\"10\"; client_max_window_bits=\"9\""));
    }

    @Test
    void otherExtensionsAreSkipped() {
        assertEquals("permessage-deflate", negotiate(SERVER, "x-webkit-deflate-frame, permessage-deflate"));
        assertNull(negotiate(SERVER, "x-webkit-deflate-frame; max_window_bits=10"));
    }

    @Test
    void section5_theFirstAcceptableOfferWins() {
        assertEquals("permessage-deflate; server_max_window_bits=10", negotiate(SERVER,
            "permessage-deflate; server_max_window_bits=10, permessage-deflate; server_no_context_takeover"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
        "permessage-deflate; client_max_window_bits; client_max_window_bits=10",
        "permessage-deflate; unknown_parameter",
        "permessage-deflate; server_max_window_bits",
        "permessage-deflate; server_max_window_bits=7",
        "permessage-deflate; server_max_window_bits=16",
        "permessage-deflate; server_max_window_bits=08",
        "permessage-deflate; server_max_window_bits=ten",
        "permessage-deflate; client_max_window_bits=7",
        "permessage-deflate; client_max_window_bits=16",
        "permessage-deflate; server_no_context_takeover=1",
        "permessage-deflate; client_no_context_takeover=true",
    })
    void section7_invalidOffersAreDeclinedAndTheNextOneIsTried(String invalid) {
        assertNull(negotiate(SERVER, invalid), "an invalid offer alone is declined");
        assertEquals("permessage-deflate; client_no_context_takeover",
            negotiate(SERVER, invalid + ", permessage-deflate; client_no_context_takeover"));
    }

    @Test
    void negotiatedClaimsRsv1() {
        assertEquals(0x40, SERVER.negotiate(offers("permessage-deflate")).rsvBits());
    }

    // Client side (§7: what the client offers and what it must refuse)

    @Test
    void clientDefaultOfferLetsTheServerLimitTheClientWindow() {
        assertEquals("permessage-deflate; client_max_window_bits", client(PerMessageDeflateConfig.builder()).offer());
    }

    @Test
    void clientOfferCarriesEveryConfiguredParameter() {
        assertEquals("permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
            + "server_max_window_bits=10; client_max_window_bits=12", client(PerMessageDeflateConfig.builder()
                .serverNoContextTakeover(true).clientNoContextTakeover(true).serverMaxWindowBits(10)
                .clientMaxWindowBits(12)).offer());
    }

    @Test
    void clientAcceptsEveryResponseOurServerGivesToItsOffer() {
        for (boolean serverNoContext : new boolean[] {false, true}) {
            for (boolean clientNoContext : new boolean[] {false, true}) {
                for (int serverBits = 8; serverBits <= 15; serverBits++) {
                    for (int clientBits = 8; clientBits <= 15; clientBits++) {
                        PerMessageDeflateClientNegotiator client = client(PerMessageDeflateConfig.builder()
                            .serverNoContextTakeover(serverNoContext).clientNoContextTakeover(clientNoContext)
                            .serverMaxWindowBits(serverBits).clientMaxWindowBits(clientBits));
                        String response = negotiate(SERVER, client.offer());
                        PerMessageDeflateParameters agreed = client.validate(offers(response));
                        assertNotNull(agreed);
                        assertEquals(serverBits, agreed.effectiveServerWindowBits(), response);
                        assertEquals(clientBits, agreed.effectiveClientWindowBits(), response);
                        assertEquals(serverNoContext, agreed.serverNoContextTakeover(), response);
                        assertEquals(clientNoContext, agreed.clientNoContextTakeover(), response);
                    }
                }
            }
        }
    }

    @Test
    void section7_1_1_serverMayAddNoContextTakeoverAndWindowLimits() {
        PerMessageDeflateParameters agreed = client(PerMessageDeflateConfig.builder()).validate(offers(
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; "
                + "client_max_window_bits=8"));
        assertTrue(agreed.serverNoContextTakeover());
        assertTrue(agreed.clientNoContextTakeover(), "the client must then not use context takeover");
        assertEquals(9, agreed.windowBits(Role.SERVER));
        assertEquals(8, agreed.windowBits(Role.CLIENT));
    }

    @Test
    void notAcceptedIsNull() {
        assertNull(client(PerMessageDeflateConfig.builder()).validate(List.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "permessage-deflate; client_max_window_bits",
        "permessage-deflate; server_max_window_bits=7",
        "permessage-deflate; server_max_window_bits",
        "permessage-deflate; client_max_window_bits=16",
        "permessage-deflate; unknown_parameter",
        "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
        "permessage-deflate; server_no_context_takeover=yes",
        "permessage-deflate, permessage-deflate",
    })
    void section7_invalidResponsesAreRefused(String response) {
        PerMessageDeflateClientNegotiator client = client(PerMessageDeflateConfig.builder());
        assertThrows(IllegalArgumentException.class, () -> client.validate(offers(response)));
    }

    @Test
    void section7_1_2_responseWindowsLargerThanOfferedAreRefused() {
        PerMessageDeflateClientNegotiator client = client(PerMessageDeflateConfig.builder().serverMaxWindowBits(10)
            .clientMaxWindowBits(10));
        assertThrows(IllegalArgumentException.class, () -> client.validate(offers(
            "permessage-deflate; server_max_window_bits=11")));
        assertThrows(IllegalArgumentException.class, () -> client.validate(offers(
            "permessage-deflate; client_max_window_bits=11")));
        assertThrows(IllegalArgumentException.class, () -> client.validate(offers("permessage-deflate")),
            "no server_max_window_bits means 15, more than the 10 offered");
    }

    @Test
    void configRejectsOutOfRangeValues() {
        assertThrows(IllegalArgumentException.class, () -> PerMessageDeflateConfig.builder().serverMaxWindowBits(7)
            .build());
        assertThrows(IllegalArgumentException.class, () -> PerMessageDeflateConfig.builder().clientMaxWindowBits(16)
            .build());
        assertThrows(IllegalArgumentException.class, () -> PerMessageDeflateConfig.builder().compressionLevel(0)
            .build());
        assertThrows(IllegalArgumentException.class, () -> PerMessageDeflateConfig.builder().compressionThreshold(-1)
            .build());
    }

    private static PerMessageDeflateServerNegotiator server(PerMessageDeflateConfig.Builder config) {
        return new PerMessageDeflateServerNegotiator(config.build(), FrameConfig.SERVER_DEFAULT);
    }

    private static PerMessageDeflateClientNegotiator client(PerMessageDeflateConfig.Builder config) {
        return new PerMessageDeflateClientNegotiator(config.build());
    }
}
