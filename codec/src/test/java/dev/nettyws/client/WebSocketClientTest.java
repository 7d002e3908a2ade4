package dev.nettyws.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.Role;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.handshake.ClientHandshakeConfig;
import dev.nettyws.handshake.ClientHandshakeException;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.protocol.HandlerNames;
import dev.nettyws.protocol.WebSocketClosedEvent;
import dev.nettyws.protocol.WebSocketSession;
import dev.nettyws.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.DelegatingSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link WebSocketClient} end to end on 127.0.0.1: failures, {@code wss}, event loop groups. */
class WebSocketClientTest {
    private WebSocketClient client;
    private EchoPeer peer;
    private EventLoopGroup serverGroup;

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        if (peer != null) {
            peer.close();
        }
        if (serverGroup != null) {
            serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    private static Throwable failureOf(Future<Channel> connected) throws InterruptedException {
        assertTrue(connected.await(Collector.WAIT_SECONDS, TimeUnit.SECONDS), "connect did not complete");
        assertFalse(connected.isSuccess(), "connect succeeded");
        return connected.cause();
    }

    private static Channel channelOf(Future<Channel> connected) throws InterruptedException {
        assertTrue(connected.await(Collector.WAIT_SECONDS, TimeUnit.SECONDS), "connect did not complete");
        assertTrue(connected.isSuccess(), () -> "connect failed: " + connected.cause());
        return connected.getNow();
    }

    /** A TCP server on 127.0.0.1 that does {@code onConnect} with every accepted channel and drops its input. */
    private int rawServer(Consumer<Channel> onConnect) throws InterruptedException {
        serverGroup = Transport.NIO.newEventLoopGroup(1, "raw-server");
        Channel server = new ServerBootstrap().group(serverGroup).channel(Transport.NIO.serverChannelClass())
            .childHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ReferenceCountUtil.release(msg);
                        }
                    });
                    onConnect.accept(ch);
                }
            })
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Test
    void connectsAndReportsTheHandshake() throws Exception {
        peer = NettyEchoPeer.start();
        client = new WebSocketClient(WebSocketClientConfig.DEFAULT);
        Collector collector = new Collector();
        Channel ch = channelOf(client.connect(peer.uri("/echo?x=1"), collector));
        HandshakeCompletedEvent event = collector.next(HandshakeCompletedEvent.class);
        assertEquals("/echo", WebSocketSession.of(ch).path());
        assertNull(WebSocketSession.of(ch).handshake(), "not retained by default");
        assertEquals("/echo?x=1", event.uri());
        assertEquals(Role.CLIENT, WebSocketSession.of(ch).role());
        assertTrue(ch.pipeline().last() == collector, "the application handler ends the pipeline");
        assertEquals(HandlerNames.APPLICATION, ch.pipeline().context(collector).name());
        assertEquals(List.of(HandlerNames.ENCODER, HandlerNames.DECODER, HandlerNames.CONNECTION,
            HandlerNames.APPLICATION), ch.pipeline().names().subList(0, 4));
        ch.writeAndFlush(new TextFrame("hello"));
        assertEquals("hello", collector.next(Collector.Message.class).text());
    }

    @Test
    void manyConcurrentConnectionsShareOneEventLoop() throws Exception {
        peer = NettyEchoPeer.start();
        client = new WebSocketClient(WebSocketClientConfig.builder().threads(1).build());
        int count = 200;
        List<Future<Channel>> connects = new ArrayList<>();
        List<Collector> collectors = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Collector collector = new Collector();
            collectors.add(collector);
            connects.add(client.connect(peer.uri("/" + i), collector));
        }
        List<Channel> channels = new ArrayList<>();
        for (Future<Channel> connect : connects) {
            channels.add(channelOf(connect));
        }
        for (int i = 0; i < count; i++) {
            channels.get(i).writeAndFlush(new TextFrame("message " + i));
        }
        for (int i = 0; i < count; i++) {
            assertEquals("message " + i, collectors.get(i).skipTo(Collector.Message.class).text());
            assertTrue(channels.get(i).eventLoop() == channels.get(0).eventLoop());
        }
        for (Channel ch : channels) {
            ch.close();
        }
        for (Channel ch : channels) {
            assertTrue(ch.closeFuture().await(Collector.WAIT_SECONDS, TimeUnit.SECONDS));
        }
    }

    @Test
    void connectionRefusedFailsTheFuture() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        client = new WebSocketClient(WebSocketClientConfig.DEFAULT);
        Throwable cause = failureOf(client.connect(URI.create("ws://127.0.0.1:" + port + "/"), new Collector()));
        assertInstanceOf(ConnectException.class, cause);
    }

    @Test
    void section4_1_non101FromARealServerFailsWithTheStatus() throws Exception {
        int port = rawServer(ch -> ch.writeAndFlush(Unpooled.copiedBuffer("HTTP/1.1 403 Forbidden\r\n"
            + "Content-Length: 6\r\nConnection: close\r\n\r\nno way", StandardCharsets.US_ASCII)));
        client = new WebSocketClient(WebSocketClientConfig.DEFAULT);
        Collector collector = new Collector();
        ClientHandshakeException e = assertInstanceOf(ClientHandshakeException.class,
            failureOf(client.connect(URI.create("ws://127.0.0.1:" + port + "/chat"), collector)));
        assertEquals(403, e.status());
        assertTrue(e.getMessage().contains("403 Forbidden"), e.getMessage());
    }

    @Test
    void handshakeTimeoutAgainstASilentServerFailsAndCloses() throws Exception {
        BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
        int port = rawServer(accepted::add);
        client = new WebSocketClient(WebSocketClientConfig.builder().handshake(ClientHandshakeConfig.builder()
            .handshakeTimeout(Duration.ofMillis(300)).build()).build());
        ClientHandshakeException e = assertInstanceOf(ClientHandshakeException.class,
            failureOf(client.connect(URI.create("ws://127.0.0.1:" + port + "/"), new Collector())));
        assertTrue(e.getMessage().contains("within 300 ms (timeout)"), e.getMessage());
        Channel serverSide = accepted.poll(Collector.WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(serverSide);
        assertTrue(serverSide.closeFuture().await(Collector.WAIT_SECONDS, TimeUnit.SECONDS),
            "the client closed the connection");
    }

    @Test
    void serverClosingDuringTheHandshakeFails() throws Exception {
        int port = rawServer(ch -> ch.close());
        client = new WebSocketClient(WebSocketClientConfig.DEFAULT);
        ClientHandshakeException e = assertInstanceOf(ClientHandshakeException.class,
            failureOf(client.connect(URI.create("ws://127.0.0.1:" + port + "/"), new Collector())));
        assertTrue(e.getMessage().contains("closed before the handshake completed"), e.getMessage());
    }

    @Test
    void cancellingTheConnectClosesTheConnection() throws Exception {
        BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
        int port = rawServer(accepted::add);
        client = new WebSocketClient(WebSocketClientConfig.DEFAULT);
        Future<Channel> connected = client.connect(URI.create("ws://127.0.0.1:" + port + "/"), new Collector());
        Channel serverSide = accepted.poll(Collector.WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(serverSide);
        assertTrue(connected.cancel(false));
        assertTrue(serverSide.closeFuture().await(Collector.WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void invalidUriIsRejectedAtOnce() {
        client = new WebSocketClient(WebSocketClientConfig.DEFAULT);
        assertThrows(IllegalArgumentException.class, () -> client.connect(URI.create("http://127.0.0.1/"),
            new Collector()));
        assertThrows(IllegalArgumentException.class, () -> client.connect(URI.create("ws://127.0.0.1/#f"),
            new Collector()));
    }

    @Test
    void configRejectsAServerFrameConfig() {
        assertThrows(IllegalArgumentException.class, () -> WebSocketClientConfig.builder()
            .frames(FrameConfig.SERVER_DEFAULT).build());
        assertThrows(IllegalArgumentException.class, () -> WebSocketClientConfig.builder().threads(-1).build());
    }

    @Test
    void suppliedGroupIsUsedAndNotShutDown() throws Exception {
        EventLoopGroup group = Transport.NIO.newEventLoopGroup(1, "supplied");
        try {
            peer = NettyEchoPeer.start();
            client = new WebSocketClient(WebSocketClientConfig.builder().eventLoopGroup(group).build());
            Channel ch = channelOf(client.connect(peer.uri("/"), new Collector()));
            assertEquals("NioSocketChannel", ch.getClass().getSimpleName(), "channel type follows the group");
            assertTrue(ch.eventLoop().parent() == group, "runs on the supplied group");
            client.close();
            assertFalse(group.isShuttingDown());
            ch.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void closeShutsDownTheOwnGroup() {
        client = new WebSocketClient(WebSocketClientConfig.builder().threads(1).build());
        client.close();
        assertTrue(client.group().isTerminated());
    }

    // --- wss ---

    /** A self-signed certificate for "localhost" (Netty generates it with the JDK's keytool). */
    @SuppressWarnings("deprecation")
    private static SelfSignedCertificate localhostCertificate() throws Exception {
        return SelfSignedCertificate.builder().fqdn("localhost").build();
    }

    /** Starts a wss echo server; the SNI names it sees go to {@code sniNames}. */
    private EchoPeer tlsPeer(SelfSignedCertificate certificate, BlockingQueue<List<SNIServerName>> sniNames)
            throws Exception {
        SslContext serverContext = SslContextBuilder.forServer(certificate.key(), certificate.cert()).build();
        SslContext recording = new DelegatingSslContext(serverContext) {
            @Override
            protected void initEngine(SSLEngine engine) {
            }

            @Override
            protected void initHandler(SslHandler handler) {
                handler.handshakeFuture().addListener(done -> {
                    if (done.isSuccess()) {
                        sniNames.add(((ExtendedSSLSession) handler.engine().getSession()).getRequestedServerNames());
                    }
                });
            }
        };
        return NettyEchoPeer.startTls(recording);
    }

    @Test
    void wssWithATrustedSelfSignedCertificateSendsSniAndEchoes() throws Exception {
        SelfSignedCertificate certificate = localhostCertificate();
        BlockingQueue<List<SNIServerName>> sniNames = new LinkedBlockingQueue<>();
        peer = tlsPeer(certificate, sniNames);
        client = new WebSocketClient(WebSocketClientConfig.builder().trustCertificates(certificate.cert()).build());
        Collector collector = new Collector();
        Channel ch = channelOf(client.connect(peer.uri("/echo"), collector));
        assertNotNull(ch.pipeline().get(SslHandler.class));
        ch.writeAndFlush(new TextFrame("over tls"));
        assertEquals("over tls", collector.skipTo(Collector.Message.class).text());
        List<SNIServerName> names = sniNames.poll(Collector.WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(List.of(new SNIHostName("localhost")), names);
    }

    @Test
    void wssWithATrustManager() throws Exception {
        SelfSignedCertificate certificate = localhostCertificate();
        peer = tlsPeer(certificate, new LinkedBlockingQueue<>());
        X509TrustManager trustOnlyThat = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType)
                    throws CertificateException {
                if (!chain[0].equals(certificate.cert())) {
                    throw new CertificateException("unknown certificate");
                }
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        client = new WebSocketClient(WebSocketClientConfig.builder().trustManager(trustOnlyThat).build());
        Collector collector = new Collector();
        Channel ch = channelOf(client.connect(peer.uri("/"), collector));
        ch.writeAndFlush(new TextFrame("trusted"));
        assertEquals("trusted", collector.skipTo(Collector.Message.class).text());
    }

    @Test
    void wssWithAnUntrustedCertificateFailsTheHandshake() throws Exception {
        peer = tlsPeer(localhostCertificate(), new LinkedBlockingQueue<>());
        client = new WebSocketClient(WebSocketClientConfig.DEFAULT);
        Throwable cause = failureOf(client.connect(peer.uri("/"), new Collector()));
        ClientHandshakeException e = assertInstanceOf(ClientHandshakeException.class, cause);
        assertInstanceOf(SSLHandshakeException.class, e.getCause(), () -> String.valueOf(e.getCause()));
    }

    @Test
    void wssVerifiesTheHostName() throws Exception {
        SelfSignedCertificate certificate = localhostCertificate();
        peer = tlsPeer(certificate, new LinkedBlockingQueue<>());
        int port = ((NettyEchoPeer) peer).port();
        InetAddress address = InetAddress.getByName("localhost");
        String otherName = address.getHostAddress().contains(":") ? "[" + address.getHostAddress() + "]"
            : address.getHostAddress();
        client = new WebSocketClient(WebSocketClientConfig.builder().trustCertificates(certificate.cert()).build());
        Throwable cause = failureOf(client.connect(URI.create("wss://" + otherName + ':' + port + "/"),
            new Collector()));
        ClientHandshakeException e = assertInstanceOf(ClientHandshakeException.class, cause);
        assertInstanceOf(SSLHandshakeException.class, e.getCause(), () -> String.valueOf(e.getCause()));
    }

    /** Answers the first request head with a valid 101, then hands the channel to {@code afterUpgrade}. */
    private int upgradingServer(Consumer<Channel> afterUpgrade) throws InterruptedException {
        return rawServer(ch -> ch.pipeline().addFirst(new ChannelInboundHandlerAdapter() {
            private final StringBuilder head = new StringBuilder();

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
                head.append(((ByteBuf) msg).toString(StandardCharsets.ISO_8859_1));
                ReferenceCountUtil.release(msg);
                int end = head.indexOf("\r\n\r\n");
                if (end < 0) {
                    return;
                }
                String key = null;
                for (String line : head.substring(0, end).split("\r\n")) {
                    if (line.regionMatches(true, 0, "Sec-WebSocket-Key:", 0, 18)) {
                        key = line.substring(18).trim();
                    }
                }
                String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(
                    (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
                ctx.pipeline().remove(this);
                ctx.writeAndFlush(Unpooled.copiedBuffer("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n\r\n", StandardCharsets.US_ASCII))
                    .addListener(written -> afterUpgrade.accept(ctx.channel()));
            }
        }));
    }

    @Test
    void serverClosingAfterTheHandshakeClosesTheChannel() throws Exception {
        int port = upgradingServer(Channel::close);
        client = new WebSocketClient(WebSocketClientConfig.DEFAULT);
        Collector collector = new Collector();
        Channel ch = channelOf(client.connect(URI.create("ws://127.0.0.1:" + port + "/"), collector));
        assertTrue(ch.closeFuture().await(Collector.WAIT_SECONDS, TimeUnit.SECONDS));
        WebSocketClosedEvent event = collector.skipTo(WebSocketClosedEvent.class);
        assertEquals(CloseStatus.ABNORMAL_CLOSURE, event.statusCode(), "§7.1.5: closed without a close frame");
        assertTrue(event.remote());
        assertFalse(event.clean());
        assertEquals(Collector.INACTIVE, collector.next());
    }
}
