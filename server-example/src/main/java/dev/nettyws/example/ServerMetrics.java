package dev.nettyws.example;

import com.sun.net.httpserver.HttpServer;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.protocol.WebSocketClosedEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The example server's metrics in Prometheus format (Micrometer): WebSocket connections open, opened and closed by
 * close code, handshakes refused by HTTP status, the bytes connections read and wrote on the wire (by phase: HTTP,
 * then WebSocket), the JVM's and the process's own meters (Micrometer's binders: memory, GC, threads, classes, CPU,
 * file descriptors, uptime), plus whatever else is registered in {@link #registry()} (the cluster mode's room
 * meters), served at {@code /metrics} on an admin address of its own by the JDK's HTTP server. As a
 * {@link ConnectionListener} it is called on the connections' event loops; the meters are thread-safe.
 */
public final class ServerMetrics implements ConnectionListener, AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger open = new AtomicInteger();
    private final Counter opened;
    private final Counter httpIn;
    private final Counter httpOut;
    private final Counter webSocketIn;
    private final Counter webSocketOut;
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private HttpServer http;

    /** Creates the registry and the connection meters, and binds the JVM's and the process's. */
    public ServerMetrics() {
        Gauge.builder("nettyws.connections.open", open, AtomicInteger::get)
            .description("WebSocket connections open").register(registry);
        opened = Counter.builder("nettyws.connections.opened").description("WebSocket handshakes completed")
            .register(registry);
        httpIn = wire("received", "http");
        httpOut = wire("sent", "http");
        webSocketIn = wire("received", "websocket");
        webSocketOut = wire("sent", "websocket");
        for (MeterBinder binder : List.of(new JvmMemoryMetrics(), gc, new JvmThreadMetrics(), new ClassLoaderMetrics(),
                new ProcessorMetrics(), new FileDescriptorMetrics(), new UptimeMetrics())) {
            binder.bindTo(registry);
        }
    }

    private Counter wire(String direction, String phase) {
        return Counter.builder("nettyws.wire." + direction).baseUnit("bytes").tag("phase", phase)
            .description("Bytes " + direction + " on client connections (TLS included): phase http until the "
                + "WebSocket upgrade (and HTTP/2 connections), websocket after it")
            .register(registry);
    }

    /** Where other meters of the server go. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Counts the connection's bytes: adds {@link WireBytes} first in its pipeline. */
    @Override
    public void accepted(Channel channel) {
        channel.pipeline().addFirst(WireBytes.NAME, new WireBytes(httpIn, httpOut, webSocketIn, webSocketOut));
    }

    @Override
    public void handshakeRejected(Channel channel, int status) {
        Counter.builder("nettyws.handshakes.rejected").description("WebSocket handshakes refused, by HTTP status")
            .tag("status", Integer.toString(status)).register(registry).increment();
    }

    @Override
    public void opened(Channel channel, HandshakeCompletedEvent handshake) {
        open.incrementAndGet();
        opened.increment();
        // An HTTP/2 stream has no handler of its own: its connection's bytes stay in the HTTP phase.
        if (channel.pipeline().get(WireBytes.NAME) instanceof WireBytes bytes) {
            bytes.upgraded();
        }
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
        gc.close();
        registry.close();
    }
}
