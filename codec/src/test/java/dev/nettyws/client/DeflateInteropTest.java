package dev.nettyws.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.extension.deflate.PerMessageDeflateConfig;
import dev.nettyws.frame.BinaryFrame;
import dev.nettyws.frame.ContinuationFrame;
import dev.nettyws.frame.Frame;
import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.handshake.ClientHandshakeConfig;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.internal.deflate.PerMessageDeflateParameters;
import dev.nettyws.protocol.HandlerNames;
import dev.nettyws.server.BoundServer;
import dev.nettyws.server.WebSocketServerConfig;
import dev.nettyws.server.WebSocketServerInitializer;
import dev.nettyws.testsupport.FrameEcho;
import dev.nettyws.transport.Transport;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our client with permessage-deflate (RFC 7692) against servers that compress: Python websockets, Node ws (every
 * message compressed) and our own server, with several offers. Echo of compressible and incompressible messages up to
 * 1 MiB and of a fragmented message, with RSV1 seen on the wire.
 */
class DeflateInteropTest {
    private static final int[] SIZES = {0, 1, 100, 4096, 70_000, 1 << 20};

    private static final List<EchoPeer> PEERS = new ArrayList<>();
    private static BoundServer ownServer;

    /** Counts inbound data frames with RSV1, between the frame decoder and the inflater. */
    private static final class Rsv1Counter extends ChannelInboundHandlerAdapter {
        final AtomicInteger compressed = new AtomicInteger();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Frame && (((Frame) msg).rsv() & Frame.RSV1) != 0) {
                compressed.incrementAndGet();
            }
            ctx.fireChannelRead(msg);
        }
    }

    @BeforeAll
    static void startPeers() throws Exception {
        PEERS.add(ProcessEchoPeer.python(true));
        PEERS.add(ProcessEchoPeer.node(true));
        WebSocketServerConfig config = WebSocketServerConfig.builder().path("/echo")
            .compression(PerMessageDeflateConfig.DEFAULT).build();
        ownServer = BoundServer.bind(Transport.AUTO, 1, new InetSocketAddress("127.0.0.1", 0),
            new WebSocketServerInitializer(config, () -> FrameEcho.INSTANCE));
    }

    @AfterAll
    static void stopPeers() {
        PEERS.forEach(EchoPeer::close);
        PEERS.clear();
        if (ownServer != null) {
            ownServer.close();
        }
    }

    static Stream<Arguments> peersAndOffers() {
        List<PerMessageDeflateConfig> offers = List.of(PerMessageDeflateConfig.DEFAULT,
            PerMessageDeflateConfig.builder().serverNoContextTakeover(true).clientNoContextTakeover(true)
                .serverMaxWindowBits(10).clientMaxWindowBits(10).build(),
            PerMessageDeflateConfig.builder().serverMaxWindowBits(9).clientMaxWindowBits(8).compressionThreshold(0)
                .build());
        List<Arguments> arguments = new ArrayList<>();
        for (String peer : List.of("python-websockets-deflate", "node-ws-deflate", "own-server")) {
            for (int i = 0; i < offers.size(); i++) {
                arguments.add(Arguments.of(peer, i, offers.get(i)));
            }
        }
        return arguments.stream();
    }

    private static URI uri(String peer) {
        if (peer.equals("own-server")) {
            return URI.create("ws://127.0.0.1:" + ownServer.localAddress().getPort() + "/echo");
        }
        return PEERS.stream().filter(p -> p.name().equals(peer)).findFirst()
            .orElseThrow(() -> new AssertionError("peer " + peer + " did not start")).uri("/echo");
    }

    private static String json(Random random, int size) {
        StringBuilder out = new StringBuilder(size + 100);
        while (out.length() < size) {
            out.append("{\"type\":\"message\",\"room\":\"lobby\",\"nick\":\"user").append(random.nextInt(50))
                .append("\",\"text\":\"").append(Long.toString(random.nextLong(), 36)).append("\",\"ts\":")
                .append(1_700_000_000_000L + random.nextInt(1_000_000)).append("}\n");
        }
        out.setLength(size);
        return out.toString();
    }

    @ParameterizedTest(name = "{0}, offer {1}")
    @MethodSource("peersAndOffers")
    void section7_echoWithCompressionBothWays(String peer, int index, PerMessageDeflateConfig offer)
            throws Exception {
        try (WebSocketClient client = new WebSocketClient(WebSocketClientConfig.builder().threads(1)
                .frames(FrameConfig.CLIENT_DEFAULT.toBuilder().maxLength(2 << 20).build())
                .compression(offer).build())) {
            Collector collector = new Collector();
            Future<Channel> connected = client.connect(uri(peer), collector);
            assertTrue(connected.await(Collector.WAIT_SECONDS, TimeUnit.SECONDS), "handshake did not complete");
            assertTrue(connected.isSuccess(), () -> "handshake failed: " + connected.cause());
            Channel channel = connected.getNow();
            HandshakeCompletedEvent handshake = collector.next(HandshakeCompletedEvent.class);
            String accepted = handshake.extensions();
            assertTrue(accepted.startsWith(PerMessageDeflateParameters.EXTENSION_NAME), handshake::toString);
            assertFalse(accepted.contains(","), "one extension accepted: " + accepted);
            assertNotNull(channel.pipeline().get(HandlerNames.INFLATER));
            Rsv1Counter counter = new Rsv1Counter();
            channel.pipeline().addAfter(HandlerNames.DECODER, "rsv1-counter", counter);

            Random random = new Random(7692);
            for (int size : SIZES) {
                String text = json(random, size);
                channel.writeAndFlush(new TextFrame(text));
                Collector.Message echoed = collector.next(Collector.Message.class);
                assertTrue(echoed.text);
                assertEquals(text, echoed.text(), "text of " + size + " bytes, accepted " + accepted);

                byte[] data = new byte[size];
                random.nextBytes(data);
                channel.writeAndFlush(new BinaryFrame(Unpooled.wrappedBuffer(data)));
                Collector.Message binary = collector.next(Collector.Message.class);
                assertFalse(binary.text);
                assertArrayEquals(data, binary.data, "binary of " + size + " bytes, accepted " + accepted);
            }
            byte[] utf8 = ("fragmented " + json(random, 5000) + " \u00e9\u20ac").getBytes(StandardCharsets.UTF_8);
            channel.write(new TextFrame(false, 0, Unpooled.wrappedBuffer(utf8, 0, 3000)));
            channel.write(new ContinuationFrame(false, 0, Unpooled.wrappedBuffer(utf8, 3000, utf8.length - 3004)));
            channel.writeAndFlush(new ContinuationFrame(true, 0, Unpooled.wrappedBuffer(utf8, utf8.length - 4, 4)));
            assertEquals(new String(utf8, StandardCharsets.UTF_8), collector.next(Collector.Message.class).text());
            assertTrue(counter.compressed.get() > 0, "the server compressed its echoes (RSV1 seen)");
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void compressionAndAHandWrittenPermessageDeflateOfferAreRefused() {
        ClientHandshakeConfig handshake = ClientHandshakeConfig.builder().extensions("permessage-deflate").build();
        assertThrows(IllegalArgumentException.class, () -> WebSocketClientConfig.builder().handshake(handshake)
            .deflate(true).build());
    }
}
