package dev.nettyws.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.bench.micro.Handshakes;
import dev.nettyws.bench.micro.Impl;
import dev.nettyws.bench.micro.InboundSink;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The handshake comparison is honest: for the benchmark's request both implementations answer the same
 * {@code 101 Switching Protocols} with the same {@code Upgrade}, {@code Connection} and {@code Sec-WebSocket-Accept}
 * (RFC 6455 §4.2.2, the accept value of the §1.3 example), and pass nothing on to the next handler. Header order and
 * any other headers may differ, so the response is compared field by field.
 */
class HandshakeSanityTest {
    @Test
    void bothAnswerTheRfcExampleRequestWithTheSame101() {
        Map<String, String> ours = respond(Impl.OURS);
        Map<String, String> netty = respond(Impl.NETTY);

        assertEquals("HTTP/1.1 101 Switching Protocols", ours.get(":status"));
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", ours.get("sec-websocket-accept"));
        for (String field : new String[] {":status", "upgrade", "connection", "sec-websocket-accept"}) {
            assertEquals(ours.get(field).toLowerCase(Locale.ROOT), netty.get(field).toLowerCase(Locale.ROOT),
                field);
        }
    }

    private static Map<String, String> respond(Impl impl) {
        InboundSink sink = new InboundSink(true);
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        int bytes = Handshakes.handshake(impl, sink, response);
        assertEquals(bytes, response.size());
        assertTrue(sink.captured().isEmpty(), impl + " passed on " + sink.captured());
        String[] lines = response.toString(StandardCharsets.US_ASCII).split("\r\n");
        Map<String, String> fields = new TreeMap<>();
        fields.put(":status", lines[0]);
        for (int i = 1; i < lines.length && !lines[i].isEmpty(); i++) {
            int colon = lines[i].indexOf(':');
            fields.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1)
                .trim());
        }
        return fields;
    }
}
