package dev.nettyws.frame;

import static dev.nettyws.frame.TestChannels.KEY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.Utf8Cases.Utf8Case;
import dev.nettyws.server.WebSocketHttp2;
import dev.nettyws.server.WebSocketServerConfig;
import dev.nettyws.testsupport.FrameBytes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The RFC 6455 frame rules over an HTTP/2 stream (RFC 8441 §5): the bytes of each case arrive in DATA frames of an
 * accepted extended CONNECT, and the answer must be what the same bytes get over HTTP/1.1: the close frame with the
 * rule's code in a DATA frame, then END_STREAM (the stream's FIN), or the message delivered. The stream runs the
 * same decoder; these cases prove nothing of the DATA framing loses, adds or reorders a byte.
 */
class Http2StreamConformanceTest {
    private static final int MAX_MESSAGE = 4096;
    private final List<Object> received = new ArrayList<>();
    private EmbeddedChannel stream;

    @AfterEach
    void finish() {
        for (Object message : received) {
            ReferenceCountUtil.release(message);
        }
        if (stream != null) {
            stream.finishAndReleaseAll();
        }
    }

    private EmbeddedChannel accepted() {
        stream = new EmbeddedChannel(WebSocketHttp2.endpoint(WebSocketServerConfig.builder().path("/ws")
            .maxMessageLength(MAX_MESSAGE).build(), (pipeline, afterName, handshake) -> pipeline.addAfter(afterName,
                "app", new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        received.add(msg);
                    }
                })));
        stream.writeInbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().method("CONNECT").scheme("http")
            .path("/ws").authority("127.0.0.1").add(":protocol", "websocket").add("sec-websocket-version", "13"),
            false));
        Http2HeadersFrame response = assertInstanceOf(Http2HeadersFrame.class, stream.readOutbound());
        assertEquals("200", response.headers().status().toString());
        return stream;
    }

    /** Sends {@code wire} in DATA frames of at most {@code chunk} bytes. */
    private void send(byte[] wire, int chunk) {
        for (int from = 0; from < wire.length; from += chunk) {
            int length = Math.min(chunk, wire.length - from);
            stream.writeInbound(new DefaultHttp2DataFrame(Unpooled.copiedBuffer(wire, from, length), false));
        }
    }

    /** What the server sent in DATA frames, and whether the last one ended the stream. */
    private byte[] sent(boolean[] endStream) {
        ByteBuf out = Unpooled.buffer();
        try {
            for (Object msg; (msg = stream.readOutbound()) != null; ) {
                Http2DataFrame data = assertInstanceOf(Http2DataFrame.class, msg);
                endStream[0] = data.isEndStream();
                out.writeBytes(data.content());
                data.release();
            }
            byte[] bytes = new byte[out.readableBytes()];
            out.readBytes(bytes);
            return bytes;
        } finally {
            out.release();
        }
    }

    /** The server failed the connection with {@code code}: one close frame, then END_STREAM, nothing delivered. */
    private void assertFailedWith(int code) {
        boolean[] endStream = {false};
        byte[] wire = sent(endStream);
        assertTrue(wire.length >= 4, "a close frame: " + wire.length + " bytes");
        assertEquals(0x88, wire[0] & 0xff, "an unmasked, final close frame");
        assertEquals(code, (wire[2] & 0xff) << 8 | wire[3] & 0xff);
        assertEquals(wire.length, 2 + (wire[1] & 0x7f), "nothing after the close frame");
        assertTrue(endStream[0], "END_STREAM after the close frame");
        assertTrue(received.isEmpty(), received::toString);
    }

    static Stream<Arguments> violations() {
        return Stream.of(
            Arguments.of("5.2 reserved opcode 0x3", FrameBytes.frame(0x3).mask(KEY).bytes(),
                CloseStatus.PROTOCOL_ERROR),
            Arguments.of("5.1 unmasked client frame", FrameBytes.text("x").bytes(), CloseStatus.PROTOCOL_ERROR),
            Arguments.of("5.2 RSV1 without an extension", FrameBytes.text("x").rsv(FrameBytes.RSV1).mask(KEY).bytes(),
                CloseStatus.PROTOCOL_ERROR),
            Arguments.of("5.5 fragmented ping", FrameBytes.ping(new byte[1]).fin(false).mask(KEY).bytes(),
                CloseStatus.PROTOCOL_ERROR),
            Arguments.of("5.5 ping of 126 bytes", FrameBytes.ping(new byte[126]).mask(KEY).bytes(),
                CloseStatus.PROTOCOL_ERROR),
            Arguments.of("5.4 continuation without a start", FrameBytes.continuation(new byte[1]).mask(KEY).bytes(),
                CloseStatus.PROTOCOL_ERROR),
            Arguments.of("5.4 text inside a fragmented message", FrameBytes.concat(
                FrameBytes.text("a").fin(false).mask(KEY).bytes(), FrameBytes.text("b").mask(KEY).bytes()),
                CloseStatus.PROTOCOL_ERROR),
            Arguments.of("7.4.1 close code 1005 on the wire", FrameBytes.close(1005, "").mask(KEY).bytes(),
                CloseStatus.PROTOCOL_ERROR),
            Arguments.of("5.5.1 close payload of one byte", FrameBytes.frame(0x8).payload(new byte[1]).mask(KEY)
                .bytes(), CloseStatus.PROTOCOL_ERROR),
            Arguments.of("8.1 close reason not UTF-8", FrameBytes.close(1000, new byte[] {(byte) 0xc0}).mask(KEY)
                .bytes(), CloseStatus.INVALID_PAYLOAD_DATA),
            Arguments.of("10.4 message over the limit", FrameBytes.binary(new byte[MAX_MESSAGE + 1]).mask(KEY)
                .bytes(), CloseStatus.MESSAGE_TOO_BIG),
            Arguments.of("10.4 fragmented message over the limit", FrameBytes.concat(
                FrameBytes.binary(new byte[MAX_MESSAGE / 2 + 1]).fin(false).mask(KEY).bytes(),
                FrameBytes.continuation(new byte[MAX_MESSAGE / 2 + 1]).mask(KEY).bytes()),
                CloseStatus.MESSAGE_TOO_BIG),
            Arguments.of("5.2 RSV2", FrameBytes.text("x").rsv(FrameBytes.RSV2).mask(KEY).bytes(),
                CloseStatus.PROTOCOL_ERROR),
            Arguments.of("5.2 RSV3 on a ping", FrameBytes.ping(new byte[0]).rsv(FrameBytes.RSV3).mask(KEY).bytes(),
                CloseStatus.PROTOCOL_ERROR),
            Arguments.of("5.2 reserved control opcode 0xB", FrameBytes.frame(0xB).mask(KEY).bytes(),
                CloseStatus.PROTOCOL_ERROR),
            Arguments.of("5.2 reserved opcode 0x7 inside a message", FrameBytes.concat(
                FrameBytes.text("a").fin(false).mask(KEY).bytes(), FrameBytes.frame(0x7).mask(KEY).bytes()),
                CloseStatus.PROTOCOL_ERROR),
            Arguments.of("5.5 fragmented close", FrameBytes.close(1000, "").fin(false).mask(KEY).bytes(),
                CloseStatus.PROTOCOL_ERROR),
            Arguments.of("5.2 16-bit length for a 5-byte payload", FrameBytes.text("hello").lengthBytes(2).mask(KEY)
                .bytes(), CloseStatus.PROTOCOL_ERROR),
            Arguments.of("7.4.1 close code 999", FrameBytes.close(999, "").mask(KEY).bytes(),
                CloseStatus.PROTOCOL_ERROR),
            Arguments.of("7.4.1 close code 1004", FrameBytes.close(1004, "").mask(KEY).bytes(),
                CloseStatus.PROTOCOL_ERROR),
            Arguments.of("7.4.1 close code 1006 on the wire", FrameBytes.close(1006, "").mask(KEY).bytes(),
                CloseStatus.PROTOCOL_ERROR),
            Arguments.of("7.4.1 close code 1015 on the wire", FrameBytes.close(1015, "").mask(KEY).bytes(),
                CloseStatus.PROTOCOL_ERROR),
            Arguments.of("7.4.2 close code 5000", FrameBytes.close(5000, "").mask(KEY).bytes(),
                CloseStatus.PROTOCOL_ERROR),
            Arguments.of("8.1 text split inside a code point, invalid", FrameBytes.concat(
                FrameBytes.text(new byte[] {(byte) 0xce}).fin(false).mask(KEY).bytes(),
                FrameBytes.continuation(new byte[] {(byte) 0x41}).mask(KEY).bytes()),
                CloseStatus.INVALID_PAYLOAD_DATA));
    }

    @Test
    void section5_4_aFragmentedMessageWithAPingBetweenItsFragmentsArrivesWholeAfterThePong() {
        accepted();
        send(FrameBytes.concat(FrameBytes.text("Hello, ").fin(false).mask(KEY).bytes(),
            FrameBytes.ping(FrameBytes.utf8("p")).mask(KEY).bytes(),
            FrameBytes.continuation(FrameBytes.utf8("world")).mask(KEY).bytes()), 1);
        boolean[] endStream = {false};
        assertArrayEquals(FrameBytes.pong(FrameBytes.utf8("p")).bytes(), sent(endStream));
        assertEquals(1, received.size(), received::toString);
        TextFrame text = assertInstanceOf(TextFrame.class, received.get(0));
        assertEquals("Hello, world", text.text());
        assertFalse(endStream[0]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("violations")
    void aViolationClosesTheStreamWithItsCode(String rule, byte[] wire, int code) {
        accepted();
        send(wire, wire.length);
        assertFailedWith(code);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("violations")
    void aViolationSplitIntoOneByteDataFramesIsFoundTheSame(String rule, byte[] wire, int code) {
        accepted();
        send(wire, 1);
        assertFailedWith(code);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.nettyws.frame.Utf8Cases#all")
    void section8_1_textOverAStreamFollowsTheUtf8Table(Utf8Case c) {
        accepted();
        send(FrameBytes.text(c.bytes()).mask(KEY).bytes(), 3);
        if (c.valid()) {
            assertEquals(1, received.size());
            TextFrame text = assertInstanceOf(TextFrame.class, received.get(0));
            byte[] payload = new byte[text.content().readableBytes()];
            text.content().getBytes(text.content().readerIndex(), payload);
            assertArrayEquals(c.bytes(), payload);
        } else {
            assertFailedWith(CloseStatus.INVALID_PAYLOAD_DATA);
        }
    }

    @Test
    void section5_5_2APingIsAnsweredWithItsPayloadOnTheStream() {
        accepted();
        send(FrameBytes.ping(FrameBytes.utf8("h2")).mask(KEY).bytes(), 2);
        boolean[] endStream = {false};
        assertArrayEquals(FrameBytes.pong(FrameBytes.utf8("h2")).bytes(), sent(endStream));
        assertFalse(endStream[0]);
        assertTrue(stream.isActive());
    }
}
