package dev.nettyws.bench.push;

import dev.nettyws.client.WebSocketClient;
import dev.nettyws.client.WebSocketClientConfig;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.handshake.ClientHandshakeConfig;
import dev.nettyws.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The receivers of the push benchmark, one connection each, on Netty: a WebSocket member of {@code /chat} (our
 * client), an event stream reader of {@code /chat/events} (Netty's HTTP client codec; the SSE records are split on
 * their blank lines), and a polling member of {@code /chat/session} and {@code /chat/poll} (Netty's HTTP client codec
 * and a bounded aggregator, keep-alive, asking with the number it was given: at once after each answer for long
 * polling, after a fixed interval for short polling). Each pipeline starts with the run's byte counter.
 *
 * <p>Handlers run on the client event loops; {@link #stop()} ends the polling loops.
 */
final class PushReceivers {
    private final EventLoopGroup group;
    private final InetSocketAddress server;
    private final PushStats stats;
    private final String room;
    /**
     * Headers a browser adds to each of its requests (Chromium 120's for a same-origin {@code fetch}, without
     * cookies): about 560 bytes that every poll carries and a WebSocket or an event stream sends once.
     */
    static final Map<String, String> BROWSER_HEADERS = browserHeaders();

    private final LongAdder failures = new LongAdder();
    private final boolean browserHeaders;
    private volatile boolean running = true;

    PushReceivers(EventLoopGroup group, InetSocketAddress server, PushStats stats, String room,
                  boolean browserHeaders) {
        this.group = group;
        this.server = server;
        this.stats = stats;
        this.room = room;
        this.browserHeaders = browserHeaders;
    }

    private static Map<String, String> browserHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Connection", "keep-alive");
        headers.put("sec-ch-ua", "\"Not_A Brand\";v=\"8\", \"Chromium\";v=\"120\"");
        headers.put("sec-ch-ua-mobile", "?0");
        headers.put("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/120.0.0.0 Safari/537.36");
        headers.put("sec-ch-ua-platform", "\"Linux\"");
        headers.put("Accept", "*/*");
        headers.put("Sec-Fetch-Site", "same-origin");
        headers.put("Sec-Fetch-Mode", "cors");
        headers.put("Sec-Fetch-Dest", "empty");
        headers.put("Referer", "http://127.0.0.1:8080/?transport=poll");
        headers.put("Accept-Encoding", "gzip, deflate, br");
        headers.put("Accept-Language", "en-US,en;q=0.9");
        return headers;
    }

    /** Stops asking (the polls under way still end). */
    void stop() {
        running = false;
    }

    /** Connections that failed or answers that were not 200. */
    long failures() {
        return failures.sum();
    }

    /**
     * Opens receiver {@code index} from {@code source}.
     *
     * @param transport ws, sse, longpoll or poll
     * @param pollMillis the interval of short polling
     */
    Channel open(String transport, int index, InetSocketAddress source, long pollMillis) {
        String nick = "r" + index;
        return new Bootstrap().group(group).channel(Transport.AUTO.resolve().channelClass())
            .option(ChannelOption.SO_REUSEADDR, true)
            .localAddress(source)
            .handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ChannelPipeline pipeline = ch.pipeline();
                    pipeline.addLast(stats.wire());
                    switch (transport) {
                        case "ws":
                            WebSocketClient.install(pipeline, URI.create("ws://" + authority() + "/chat?room=" + room
                                + "&nick=" + nick), config(), new WebSocketReceiver(index));
                            break;
                        case "sse":
                            pipeline.addLast(new HttpClientCodec(), new StreamReceiver(index, nick));
                            break;
                        default:
                            pipeline.addLast(new HttpClientCodec(), new HttpObjectAggregator(4 << 20),
                                new PollReceiver(index, nick, "longpoll".equals(transport), pollMillis));
                            break;
                    }
                }
            })
            .connect(server)
            .addListener(f -> {
                if (!f.isSuccess()) {
                    failures.increment();
                }
            })
            .channel();
    }

    /** The poster: a WebSocket member that is not counted. */
    static WebSocketClientConfig config() {
        return WebSocketClientConfig.builder()
            .handshake(ClientHandshakeConfig.builder().handshakeTimeout(Duration.ofSeconds(60)).build()).build();
    }

    private String authority() {
        return server.getHostString() + ':' + server.getPort();
    }

    private FullHttpRequest request(HttpMethod method, String uri, String json) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri,
            json == null ? Unpooled.EMPTY_BUFFER : Unpooled.copiedBuffer(json, StandardCharsets.UTF_8));
        request.headers().set(HttpHeaderNames.HOST, authority());
        if (browserHeaders) {
            BROWSER_HEADERS.forEach(request.headers()::set);
        }
        if (json != null) {
            request.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        }
        HttpUtil.setContentLength(request, request.content().readableBytes());
        stats.request();
        return request;
    }

    private void seen(int index, String text) {
        if (text.contains("\"type\":\"welcome\"")) {
            stats.joined();
        }
        stats.received(index, text, System.nanoTime());
    }

    private final class WebSocketReceiver extends ChannelInboundHandlerAdapter {
        private final int index;

        WebSocketReceiver(int index) {
            this.index = index;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof TextFrame) {
                    seen(index, ((TextFrame) msg).text());
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    private final class StreamReceiver extends ChannelInboundHandlerAdapter {
        private final int index;
        private final String nick;
        private final StringBuilder pending = new StringBuilder();

        StreamReceiver(int index, String nick) {
            this.index = index;
            this.nick = nick;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            FullHttpRequest request = request(HttpMethod.GET, "/chat/events?room=" + room + "&nick=" + nick, null);
            request.headers().set(HttpHeaderNames.ACCEPT, "text/event-stream");
            ctx.writeAndFlush(request);
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpResponse && ((HttpResponse) msg).status().code() != 200) {
                    failures.increment();
                }
                if (msg instanceof HttpContent) {
                    pending.append(((HttpContent) msg).content().toString(StandardCharsets.UTF_8));
                    int end = pending.lastIndexOf("\n\n");
                    if (end >= 0) {
                        seen(index, pending.substring(0, end));
                        pending.delete(0, end + 2);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    private final class PollReceiver extends ChannelInboundHandlerAdapter {
        private final int index;
        private final String nick;
        private final boolean wait;
        private final long intervalMillis;
        private String session;

        PollReceiver(int index, String nick, boolean wait, long intervalMillis) {
            this.index = index;
            this.nick = nick;
            this.wait = wait;
            this.intervalMillis = intervalMillis;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(request(HttpMethod.POST, "/chat/session", "{\"room\":\"" + room + "\",\"nick\":\""
                + nick + "\"}"));
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof FullHttpResponse)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            FullHttpResponse response = (FullHttpResponse) msg;
            String body;
            try {
                body = response.content().toString(StandardCharsets.UTF_8);
                if (response.status().code() != 200) {
                    failures.increment();
                    return;
                }
            } finally {
                response.release();
            }
            long next;
            if (session == null) {
                session = field(body, "\"session\":\"", '"');
                next = 0;
            } else {
                seen(index, body);
                next = Long.parseLong(field(body, "\"next\":", ','));
            }
            if (!running) {
                return;
            }
            if (wait) {
                poll(ctx, next);
            } else {
                ctx.executor().schedule(() -> poll(ctx, next), intervalMillis, TimeUnit.MILLISECONDS);
            }
        }

        private void poll(ChannelHandlerContext ctx, long since) {
            if (running && ctx.channel().isActive()) {
                ctx.writeAndFlush(request(HttpMethod.GET, "/chat/poll?session=" + session + "&since=" + since
                    + (wait ? "&wait=1" : ""), null));
            }
        }

        private String field(String body, String start, char end) {
            int from = body.indexOf(start) + start.length();
            return body.substring(from, body.indexOf(end, from));
        }
    }
}
