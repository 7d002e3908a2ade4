package dev.nettyws.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.protocol.WebSocketClosedEvent;
import org.junit.jupiter.api.Test;

/** The close-code metric: the RFC's codes each a series, the codes peers pick one series, however many they use. */
class ServerMetricsTest {
    @Test
    void closeCodesAPeerPicksShareOneSeries() throws Exception {
        try (ServerMetrics metrics = new ServerMetrics()) {
            for (int code = 3000; code < 5000; code++) {
                metrics.closed(null, new WebSocketClosedEvent(code, "", true, true));
            }
            metrics.closed(null, new WebSocketClosedEvent(1000, "", true, true));
            metrics.closed(null, new WebSocketClosedEvent(1008, "", false, false));
            long series = metrics.scrape().lines()
                .filter(line -> line.startsWith("nettyws_connections_closed_total{")).count();
            assertEquals(3, series, metrics.scrape());
            assertTrue(metrics.scrape().contains("code=\"other\"} 2000.0"), metrics.scrape());
        }
    }
}
