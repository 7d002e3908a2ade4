package dev.nettyws.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.BinaryFrame;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.ContinuationFrame;
import dev.nettyws.frame.PingFrame;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.protocol.ConnectionConfig;
import dev.nettyws.protocol.WebSocketClosedEvent;
import dev.nettyws.protocol.WebSocketSession;
import dev.nettyws.transport.Transport;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our client against three independent servers (Netty's websocketx, Python websockets, Node ws), on both the epoll
 * and the NIO transport: echo at the length-encoding boundaries of RFC 6455 §5.2 up to 1 MiB, a fragmented message
 * (§5.4), message aggregation, ping/pong (§5.5.2, §5.5.3) and the close handshake in both directions (§5.5.1, §7).
 * A peer that cannot be started fails the tests.
 */
class InteropEchoTest {
    /** 7-bit, 16-bit and 64-bit payload lengths and their edges (§5.2), up to the default 1 MiB limit. */
    private static final int[] SIZES = {0, 1, 125, 126, 127, 65535, 65536, 1 << 20};

    private static final List<EchoPeer> PEERS = new ArrayList<>();
    private static final Map<Transport, WebSocketClient> CLIENTS = new EnumMap<>(Transport.class);

    private Channel channel;

    @BeforeAll
    static void startPeers() throws Exception {
        for (Transport transport : List.of(Transport.EPOLL, Transport.NIO)) {
            CLIENTS.put(transport, new WebSocketClient(config(transport).build()));
        }
        PEERS.add(NettyEchoPeer.start());
        PEERS.add(ProcessEchoPeer.python());
        PEERS.add(ProcessEchoPeer.node());
    }

    @AfterAll
    static void stopPeers() {
        PEERS.forEach(EchoPeer::close);
        PEERS.clear();
        CLIENTS.values().forEach(WebSocketClient::close);
        CLIENTS.clear();
    }

    @AfterEach
    void closeChannel() {
        if (channel != null) {
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    private static WebSocketClientConfig.Builder config(Transport transport) {
        return WebSocketClientConfig.builder().transport(transport).threads(1)
            .connection(ConnectionConfig.builder().forwardPongs(true).build());
    }

    static Stream<Arguments> peersAndTransports() {
        List<Arguments> arguments = new ArrayList<>();
        for (String peer : List.of("netty-websocketx", "python-websockets", "node-ws")) {
            for (Transport transport : List.of(Transport.EPOLL, Transport.NIO)) {
                arguments.add(Arguments.of(peer, transport));
            }
        }
        return arguments.stream();
    }

    private static EchoPeer peer(String name) {
        return PEERS.stream().filter(p -> p.name().equals(name)).findFirst()
            .orElseThrow(() -> new AssertionError("peer " + name + " did not start"));
    }

    private Collector connect(String peer, Transport transport) throws Exception {
        return connect(CLIENTS.get(transport), peer, transport);
    }

    private Collector connect(WebSocketClient client, String peer, Transport transport) throws Exception {
        Collector collector = new Collector();
        Future<Channel> connected = client.connect(peer(peer).uri("/echo"), collector);
        assertTrue(connected.await(Collector.WAIT_SECONDS, TimeUnit.SECONDS), "handshake did not complete");
        assertTrue(connected.isSuccess(), () -> "handshake failed: " + connected.cause());
        channel = connected.getNow();
        assertEquals(transport == Transport.EPOLL ? "EpollSocketChannel" : "NioSocketChannel",
            channel.getClass().getSimpleName());
        collector.next(HandshakeCompletedEvent.class);
        return collector;
    }

    private static String ascii(Random random, int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (' ' + random.nextInt(95));
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("peersAndTransports")
    void section5_2_textAndBinaryEchoAtEveryLengthEncoding(String peer, Transport transport) throws Exception {
        Collector collector = connect(peer, transport);
        Random random = new Random(6455);
        for (int size : SIZES) {
            String text = ascii(random, size);
            channel.writeAndFlush(new TextFrame(text));
            Collector.Message echoed = collector.next(Collector.Message.class);
            assertTrue(echoed.text, "text echoed as text, size " + size);
            assertEquals(text, echoed.text(), "text of " + size + " bytes");

            byte[] data = new byte[size];
            random.nextBytes(data);
            channel.writeAndFlush(new BinaryFrame(Unpooled.wrappedBuffer(data)));
            Collector.Message binary = collector.next(Collector.Message.class);
            assertFalse(binary.text, "binary echoed as binary, size " + size);
            assertArrayEquals(data, binary.data, "binary of " + size + " bytes");
        }
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("peersAndTransports")
    void section5_4_fragmentedMessagesAreEchoedWhole(String peer, Transport transport) throws Exception {
        Collector collector = connect(peer, transport);
        // "h€llo wörld": the euro sign's three UTF-8 bytes are split across the first two fragments.
        byte[] utf8 = "h€llo wörld".getBytes(StandardCharsets.UTF_8);
        channel.write(new TextFrame(false, 0, Unpooled.wrappedBuffer(utf8, 0, 2)));
        channel.write(new ContinuationFrame(false, 0, Unpooled.wrappedBuffer(utf8, 2, 5)));
        channel.writeAndFlush(new ContinuationFrame(true, 0, Unpooled.wrappedBuffer(utf8, 7, utf8.length - 7)));
        Collector.Message text = collector.next(Collector.Message.class);
        assertTrue(text.text);
        assertEquals("h€llo wörld", text.text());

        byte[] data = new byte[3000];
        new Random(1).nextBytes(data);
        channel.write(new BinaryFrame(false, 0, Unpooled.wrappedBuffer(data, 0, 1000)));
        // §5.4: control frames may be injected in the middle of a fragmented message.
        channel.write(new PingFrame(Unpooled.wrappedBuffer(new byte[] {7})));
        channel.write(new ContinuationFrame(false, 0, Unpooled.wrappedBuffer(data, 1000, 1000)));
        channel.writeAndFlush(new ContinuationFrame(true, 0, Unpooled.wrappedBuffer(data, 2000, 1000)));
        Collector.Pong pong = collector.next(Collector.Pong.class);
        assertArrayEquals(new byte[] {7}, pong.data);
        Collector.Message binary = collector.next(Collector.Message.class);
        assertFalse(binary.text);
        assertArrayEquals(data, binary.data);
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("peersAndTransports")
    void section5_4_aggregatedClientSeesOneFramePerMessage(String peer, Transport transport) throws Exception {
        try (WebSocketClient aggregating = new WebSocketClient(config(transport).aggregate(true).build())) {
            Collector collector = connect(aggregating, peer, transport);
            channel.write(new TextFrame(false, 0, Unpooled.copiedBuffer("frag", StandardCharsets.UTF_8)));
            channel.write(new ContinuationFrame(false, 0, Unpooled.copiedBuffer("ment", StandardCharsets.UTF_8)));
            channel.writeAndFlush(new ContinuationFrame(true, 0, Unpooled.copiedBuffer("ed", StandardCharsets.UTF_8)));
            Collector.Message message = collector.next(Collector.Message.class);
            assertEquals("fragmented", message.text());
            assertEquals(1, message.frames, "the aggregator delivers a whole message as one frame");
            WebSocketSession.of(channel).close(CloseStatus.NORMAL_CLOSURE, "done")
                .await(Collector.WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("peersAndTransports")
    void section5_5_3_pingIsAnsweredWithPongCarryingTheSamePayload(String peer, Transport transport)
            throws Exception {
        Collector collector = connect(peer, transport);
        byte[] payload = new byte[125];
        new Random(3).nextBytes(payload);
        channel.writeAndFlush(new PingFrame(Unpooled.wrappedBuffer(payload)));
        assertArrayEquals(payload, collector.next(Collector.Pong.class).data);
        channel.writeAndFlush(new PingFrame(Unpooled.EMPTY_BUFFER));
        assertArrayEquals(new byte[0], collector.next(Collector.Pong.class).data);
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("peersAndTransports")
    void section5_5_1_clientClosesAndServerEchoesTheCode(String peer, Transport transport) throws Exception {
        Collector collector = connect(peer, transport);
        ChannelFuture closed = WebSocketSession.of(channel).close(4000, "client bye");
        WebSocketClosedEvent event = collector.next(WebSocketClosedEvent.class);
        assertEquals(4000, event.statusCode());
        assertEquals("client bye", event.reason());
        assertFalse(event.remote(), "we closed first");
        assertTrue(event.clean(), "the server answered with a close frame: " + event);
        // §7.1.1: the server closes the TCP connection first; the client waited for that.
        assertEquals(Collector.INACTIVE, collector.next());
        assertTrue(closed.await(Collector.WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("peersAndTransports")
    void section5_5_1_serverClosesAndClientSeesTheCode(String peer, Transport transport) throws Exception {
        Collector collector = connect(peer, transport);
        channel.writeAndFlush(new TextFrame("close-me"));
        // The ConnectionHandler answers the server's close and reports it; the close frame is not passed on.
        WebSocketClosedEvent event = collector.next(WebSocketClosedEvent.class);
        assertEquals(4001, event.statusCode());
        assertEquals("bye", event.reason());
        assertTrue(event.remote(), "the server closed first");
        assertTrue(event.clean(), event.toString());
        assertEquals(Collector.INACTIVE, collector.next());
        assertTrue(channel.closeFuture().await(Collector.WAIT_SECONDS, TimeUnit.SECONDS));
    }
}
