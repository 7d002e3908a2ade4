package dev.nettyws.frame;

import static dev.nettyws.frame.TestChannels.KEY;
import static dev.nettyws.frame.TestChannels.accept;
import static dev.nettyws.frame.TestChannels.assertFails;
import static dev.nettyws.frame.TestChannels.assertReleased;
import static dev.nettyws.frame.TestChannels.client;
import static dev.nettyws.frame.TestChannels.read;
import static dev.nettyws.frame.TestChannels.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.testsupport.FrameBytes;
import dev.nettyws.testsupport.Hex;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Close frames (RFC 6455 §5.5.1): status codes (§7.4), the UTF-8 reason, and the end of the inbound stream. */
class FrameDecoderCloseFrameTest {

    private static CloseFrame decodeClose(EmbeddedChannel ch, byte[] wire) {
        accept(ch, wire);
        CloseFrame close = read(ch, CloseFrame.class);
        assertNull(ch.readInbound());
        return close;
    }

    @ParameterizedTest(name = "code {0}")
    @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000,
        4999})
    void section7_4_validCloseCodeIsAccepted(int code) {
        EmbeddedChannel ch = server();
        CloseFrame close = decodeClose(ch, FrameBytes.close(code, "bye").mask(KEY).bytes());
        assertEquals(code, close.statusCode());
        assertEquals("bye", close.reasonText());
        close.release();
        assertFalse(ch.finishAndReleaseAll());
        assertReleased(close);
    }

    @ParameterizedTest(name = "code {0}")
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
    void section7_4_invalidCloseCodeIsProtocolError(int code) {
        ProtocolViolationException e = assertFails(server(), CloseStatus.PROTOCOL_ERROR,
            FrameBytes.close(code, "").mask(KEY).bytes());
        assertEquals("invalid close code " + code, e.getMessage());
    }

    @Test
    void section7_4_invalidCloseCodeIsProtocolErrorForTheClientToo() {
        ProtocolViolationException e = assertFails(client(), CloseStatus.PROTOCOL_ERROR,
            FrameBytes.close(1005, "").bytes());
        assertEquals("invalid close code 1005", e.getMessage());
    }

    @Test
    void section5_5_1_emptyCloseBodyIsAcceptedAndReports1005() {
        EmbeddedChannel ch = server();
        CloseFrame close = decodeClose(ch, FrameBytes.frame(0x8).mask(KEY).bytes());
        assertEquals(CloseStatus.NO_STATUS_RECEIVED, close.statusCode());
        assertEquals("", close.reasonText());
        close.release();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section5_5_1_closeBodyOfOneByteIsProtocolError() {
        ProtocolViolationException e = assertFails(server(), CloseStatus.PROTOCOL_ERROR,
            FrameBytes.frame(0x8).payload(new byte[] {0x03}).mask(KEY).bytes());
        assertEquals("close payload of 1 byte", e.getMessage());
    }

    @Test
    void section5_5_1_closeBodyOfOneByteIsRejectedFromTheFirstTwoBytes() {
        byte[] wire = FrameBytes.frame(0x8).payload(new byte[] {0x03}).mask(KEY).bytes();
        ProtocolViolationException e = assertFails(server(), CloseStatus.PROTOCOL_ERROR, Arrays.copyOf(wire, 2));
        assertEquals("close payload of 1 byte", e.getMessage());
    }

    @Test
    void section5_5_1_closeWithCodeAndNoReason() {
        EmbeddedChannel ch = server();
        CloseFrame close = decodeClose(ch, FrameBytes.close(1000, "").mask(KEY).bytes());
        assertEquals(1000, close.statusCode());
        assertEquals("", close.reasonText());
        close.release();
        assertFalse(ch.finishAndReleaseAll());
        assertReleased(close);
    }

    @Test
    void section5_5_1_closeReasonOf123Bytes_theLongestAllowed_isAccepted() {
        String reason = "\u00e9".repeat(61) + "x";
        assertEquals(123, FrameBytes.utf8(reason).length);
        EmbeddedChannel ch = server();
        CloseFrame close = decodeClose(ch, FrameBytes.close(4000, reason).mask(KEY).bytes());
        assertEquals(reason, close.reasonText());
        close.release();
        assertFalse(ch.finishAndReleaseAll());
        assertReleased(close);
    }

    @ParameterizedTest(name = "reason {0}")
    @ValueSource(strings = {"ff", "c0 80", "ed a0 80", "f4 90 80 80", "80", "ce ba e1", "41 42 e2 82"})
    void section5_5_1_closeReasonThatIsNotUtf8IsInvalidPayload(String reasonHex) {
        ProtocolViolationException e = assertFails(server(), CloseStatus.INVALID_PAYLOAD_DATA,
            FrameBytes.close(1000, Hex.bytes(reasonHex)).mask(KEY).bytes());
        assertEquals("invalid UTF-8 in close reason", e.getMessage());
    }

    @Test
    void closeReasonIsNotValidatedWhenUtf8ValidationIsOff() {
        EmbeddedChannel ch = TestChannels.channel(FrameConfig.SERVER_DEFAULT.toBuilder().validateUtf8(false).build());
        CloseFrame close = decodeClose(ch, FrameBytes.close(1000, new byte[] {(byte) 0xFF}).mask(KEY).bytes());
        assertEquals(1000, close.statusCode());
        close.release();
        assertFalse(ch.finishAndReleaseAll());
        assertReleased(close);
    }

    @Test
    void section5_5_1_afterACloseFrameTheDecoderIgnoresFurtherInput() {
        EmbeddedChannel ch = server();
        FrameDecoder decoder = ch.pipeline().get(FrameDecoder.class);
        // In the same read: a data frame and garbage that would otherwise be a protocol error.
        accept(ch, FrameBytes.close(1001, "away").mask(KEY).bytes(), FrameBytes.text("late").mask(KEY).bytes(),
            new byte[] {(byte) 0x83, 0x00});
        CloseFrame close = read(ch, CloseFrame.class);
        assertEquals(1001, close.statusCode());
        assertTrue(decoder.isCloseReceived());
        // In later reads.
        accept(ch, FrameBytes.binary(new byte[300]).mask(KEY).bytes());
        accept(ch, new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        assertNull(ch.readInbound(), "nothing after the close frame is decoded");
        assertNull(ch.readOutbound(), "the decoder writes nothing: replying is the session's job");
        assertTrue(ch.isOpen());
        assertFalse(decoder.isFailed());
        close.release();
        assertFalse(ch.finishAndReleaseAll());
        assertReleased(close);
    }

    @Test
    void section5_5_1_closeFrameSplitByteByByteIsDecoded() {
        byte[] wire = FrameBytes.close(1000, "done").mask(KEY).bytes();
        EmbeddedChannel ch = server();
        for (byte b : wire) {
            accept(ch, new byte[] {b});
        }
        CloseFrame close = read(ch, CloseFrame.class);
        assertEquals(1000, close.statusCode());
        assertEquals("done", close.reasonText());
        close.release();
        assertFalse(ch.finishAndReleaseAll());
        assertReleased(close);
    }
}
