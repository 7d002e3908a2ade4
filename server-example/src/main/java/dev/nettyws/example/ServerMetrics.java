package dev.nettyws.example;

import com.sun.net.httpserver.HttpServer;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.protocol.WebSocketClosedEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The example server's metrics in Prometheus format (Micrometer): WebSocket connections open, opened and closed by
 * close code, plus whatever else is registered in {@link #registry()} (the cluster mode's room meters), served at
 * {@code /metrics} on an admin address of its own by the JDK's HTTP server. As a {@link ConnectionListener} it is
 * called on the connections' event loops; the meters are thread-safe.
 */
public final class ServerMetrics implements ConnectionListener, AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger open = new AtomicInteger();
    private final Counter opened;
    private HttpServer http;

    /** Creates the registry and the connection meters. */
    public ServerMetrics() {
        Gauge.builder("nettyws.connections.open", open, AtomicInteger::get)
            .description("WebSocket connections open").register(registry);
        opened = Counter.builder("nettyws.connections.opened").description("WebSocket handshakes completed")
            .register(registry);
    }

    /** Where other meters of the server go. */
    public MeterRegistry registry() {
        return registry;
    }

    @Override
    public void opened(Channel channel, HandshakeCompletedEvent handshake) {
        open.incrementAndGet();
        opened.increment();
    }

    @Override
    public void closed(Channel channel, WebSocketClosedEvent closed) {
        open.decrementAndGet();
        Counter.builder("nettyws.connections.closed").description("WebSocket connections closed, by close code")
            .tag("code", codeTag(closed.statusCode())).register(registry).increment();
    }

    /**
     * The tag of a close code: the RFC's own codes (1000-2999) as themselves, the codes applications and peers pick
     * (3000-4999) as one {@code other}, so a client cycling through them cannot make the registry grow by 2,000 series.
     */
    static String codeTag(int code) {
        return code < 3000 ? Integer.toString(code) : "other";
    }

    /** Every meter in the Prometheus text format. */
    public String scrape() {
        return registry.scrape();
    }

    /**
     * Serves {@link #scrape()} at {@code http://ADDRESS/metrics} (one daemon thread) until {@link #close()}.
     *
     * @return the bound address
     * @throws IOException if the address cannot be bound
     */
    public InetSocketAddress serve(InetSocketAddress address) throws IOException {
        http = HttpServer.create(address, 16);
        http.createContext("/metrics", exchange -> {
            try (exchange) {
                byte[] body = scrape().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        http.start();
        return http.getAddress();
    }

    @Override
    public void close() {
        if (http != null) {
            http.stop(0);
        }
        registry.close();
    }
}
