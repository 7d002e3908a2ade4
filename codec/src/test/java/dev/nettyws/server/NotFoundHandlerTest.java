package dev.nettyws.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NotFoundHandlerTest {
    private static String answer(EmbeddedChannel channel, String request) {
        channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
        StringBuilder out = new StringBuilder();
        for (ByteBuf buf = channel.readOutbound(); buf != null; buf = channel.readOutbound()) {
            out.append(buf.toString(StandardCharsets.US_ASCII));
            buf.release();
        }
        return out.toString();
    }

    @Test
    void otherRequestIsAnswered404InPlainTextAndClosed() {
        EmbeddedChannel channel = new EmbeddedChannel(new HttpServerCodec(), new NotFoundHandler());
        String response = answer(channel, "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(response.startsWith("HTTP/1.1 404 Not Found\r\n"), response);
        assertTrue(response.contains("content-type: text/plain; charset=UTF-8\r\n"), response);
        assertTrue(response.contains("connection: close\r\n"), response);
        assertTrue(response.endsWith("\r\n\r\n404 Not Found\n"), response);
        assertFalse(channel.isOpen());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void requestBodyIsReleasedAndPipelinedRequestsIgnored() {
        EmbeddedChannel channel = new EmbeddedChannel(new HttpServerCodec(), new NotFoundHandler());
        channel.config().setAutoClose(false);
        String response = answer(channel, "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
            + "GET /y HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(1, response.split("HTTP/1.1 ", -1).length - 1, response);
        assertNull(channel.readInbound());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void overlongRequestLineIsAnswered414() {
        EmbeddedChannel channel = new EmbeddedChannel(new HttpServerCodec(64, 8192, 8192), new NotFoundHandler());
        String response = answer(channel, "GET /" + "a".repeat(100) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(response.startsWith("HTTP/1.1 414 "), response);
        assertFalse(channel.isOpen());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void malformedRequestIsAnswered400() {
        EmbeddedChannel channel = new EmbeddedChannel(new HttpServerCodec(), new NotFoundHandler());
        String response = answer(channel, "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n");
        assertTrue(response.startsWith("HTTP/1.1 400 Bad Request\r\n"), response);
        assertFalse(channel.finishAndReleaseAll());
    }
}
