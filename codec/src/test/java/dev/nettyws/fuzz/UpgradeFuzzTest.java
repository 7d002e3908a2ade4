package dev.nettyws.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.nettyws.frame.FrameConfig;
import dev.nettyws.handshake.ServerHandshakeConfig;
import dev.nettyws.protocol.ConnectionConfig;
import dev.nettyws.protocol.HandlerNames;
import dev.nettyws.server.WebSocketServerConfig;
import dev.nettyws.server.WebSocketServerInitializer;
import dev.nettyws.testsupport.WireFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Coverage-guided fuzzing of the opening handshake: raw bytes into the pipeline {@link WebSocketServerInitializer}
 * builds (Netty's {@code HttpServerCodec}, the {@code UpgradeHandler} that {@code WebSocketServer.install} adds, and
 * the 404 fallback), and after a successful upgrade into the WebSocket handlers, with permessage-deflate on, so
 * that extension offers are parsed and negotiated and compressed (RSV1) frames reach the inflater.
 *
 * <p>Input: byte 0 sets the read size, the rest is what the client sends. Each run must satisfy:
 * <ul>
 *   <li>no exception reaches the end of the pipeline or the application;</li>
 *   <li>at most one HTTP response is written, a well-formed HTTP/1.1 status line and head; anything but 101 closes
 *       the connection, and nothing follows it;</li>
 *   <li>after a 101, what follows are well-formed unmasked frames with at most one close frame with a sendable
 *       code, and the application hears of the end exactly once; without a 101 it hears nothing;</li>
 *   <li>every timer ends the connection it guards, and nothing leaks from the channel's allocator.</li>
 * </ul>
 */
class UpgradeFuzzTest {
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 (\\d{3}) [^\r\n]*\r\n");
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^content-length: *(\\d+) *$");
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    static final WebSocketServerConfig CONFIG = WebSocketServerConfig.builder()
        .handshake(ServerHandshakeConfig.builder().path("/chat").subprotocols("chat", "superchat")
            .handshakeTimeout(TIMEOUT).build())
        .deflate(true)
        .frames(FrameConfig.SERVER_DEFAULT.toBuilder().maxLength(256).build())
        .connection(ConnectionConfig.builder().idleTimeout(Duration.ZERO).closeTimeout(TIMEOUT).build())
        .maxInitialLineLength(256)
        .maxHeaderSize(1024)
        .build();

    // libFuzzer dictionary syntax: \\xNN escapes, so CRLF is \\x0d\\x0a.
    @DictionaryEntries({"GET ", "/chat", " HTTP/1.1\\x0d\\x0a", "\\x0d\\x0a", ": ", "Host: a\\x0d\\x0a",
        "Upgrade: websocket\\x0d\\x0a", "Connection: Upgrade\\x0d\\x0a",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\x0d\\x0a", "Sec-WebSocket-Version: 13\\x0d\\x0a",
        "Sec-WebSocket-Protocol: ", "Sec-WebSocket-Extensions: ", "permessage-deflate", "Origin: ", "Content-Length: ",
        "Transfer-Encoding: chunked\\x0d\\x0a", "\\x81\\x85\\x37\\xfa\\x21\\x3d"})
    @FuzzTest(maxDuration = "6s")
    void upgrade(byte[] input) {
        if (input.length < 1) {
            return;
        }
        int readSize = (input[0] & 0xFF) % 64 + 1;
        run(Arrays.copyOfRange(input, 1, input.length), readSize);
    }

    static void run(byte[] request, int readSize) {
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
        List<EventRecorder> applications = new ArrayList<>();
        ExceptionSniffer sniffer = new ExceptionSniffer();
        EmbeddedChannel channel = new EmbeddedChannel(new WebSocketServerInitializer(CONFIG, () -> {
            EventRecorder recorder = new EventRecorder();
            applications.add(recorder);
            return recorder;
        }));
        channel.config().setAllocator(alloc);
        channel.freezeTime();
        channel.pipeline().addBefore(HandlerNames.NOT_FOUND, "sniffer", sniffer);

        List<ByteBuf> inputs = new ArrayList<>();
        List<byte[]> written = new ArrayList<>();
        for (int at = 0; at < request.length && channel.isOpen(); at += readSize) {
            int n = Math.min(readSize, request.length - at);
            ByteBuf read = alloc.heapBuffer(n).writeBytes(request, at, n);
            inputs.add(read);
            channel.writeInbound(read);
            written.add(WireChecks.drainOutbound(channel));
        }
        boolean openAfterInput = channel.isOpen();
        channel.pipeline().close();
        channel.advanceTimeBy(TIMEOUT.toMillis() + 1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
        written.add(WireChecks.drainOutbound(channel));
        assertFalse(channel.isOpen(), "the connection outlived its timers");
        channel.finishAndReleaseAll();

        sniffer.assertNothingCaught();
        applications.forEach(EventRecorder::assertNothingEscaped);
        checkResponse(WireChecks.concat(written), applications, openAfterInput);
        for (ByteBuf input : inputs) {
            assertEquals(0, input.refCnt(), "an input buffer was not released");
        }
        assertEquals(0, alloc.metric().usedHeapMemory(), "heap buffers leaked");
        assertEquals(0, alloc.metric().usedDirectMemory(), "direct buffers leaked");
    }

    private static void checkResponse(byte[] wire, List<EventRecorder> applications, boolean openAfterInput) {
        assertTrue(applications.size() <= 1, "more than one upgrade on one connection");
        if (wire.length == 0) {
            assertTrue(applications.isEmpty(), "upgraded without a 101");
            return;
        }
        String text = new String(wire, StandardCharsets.ISO_8859_1);
        Matcher status = STATUS_LINE.matcher(text);
        assertTrue(status.lookingAt(), () -> "not an HTTP/1.1 status line: " + abbreviate(text));
        int headEnd = text.indexOf("\r\n\r\n");
        assertTrue(headEnd > 0, () -> "response head without an end: " + abbreviate(text));
        String head = text.substring(0, headEnd + 2);
        int code = Integer.parseInt(status.group(1));
        byte[] rest = Arrays.copyOfRange(wire, headEnd + 4, wire.length);
        if (code == 101) {
            assertEquals(1, applications.size(), "a 101 without an application handler");
            EventRecorder application = applications.get(0);
            List<WireFrame> frames = WireChecks.checkSentFrames(rest, false);
            assertTrue(WireChecks.closeFrames(frames).size() <= 1, "more than one close frame");
            assertEquals(1, application.closedEvents.size(), "closed events");
            return;
        }
        assertTrue(code >= 400 && code < 600, () -> "unexpected status " + code);
        assertTrue(applications.isEmpty(), "a refused handshake reached the application");
        Matcher length = CONTENT_LENGTH.matcher(head);
        assertTrue(length.find(), () -> "error response without Content-Length: " + head);
        int body = Integer.parseInt(length.group(1));
        assertEquals(body, rest.length, () -> "bytes after the " + code + " response: " + abbreviate(text));
        assertFalse(openAfterInput && code != 408, "the connection stayed open after a " + code);
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    /** Records exceptions that travel past the handshake handlers; in the HTTP phase there should be none. */
    private static final class ExceptionSniffer extends ChannelInboundHandlerAdapter {
        private final List<Throwable> caught = new ArrayList<>();

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            caught.add(cause);
            ctx.fireExceptionCaught(cause);
        }

        void assertNothingCaught() {
            if (!caught.isEmpty()) {
                AssertionError error = new AssertionError("an exception reached the end of the pipeline: "
                    + caught.get(0));
                caught.forEach(error::addSuppressed);
                throw error;
            }
        }
    }
}
