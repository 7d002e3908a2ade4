package dev.nettyws.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The frame classes: what their constructors accept, and that a refused payload is released, not leaked. */
class FrameModelTest {

    @ParameterizedTest(name = "rsv 0x{0}")
    @ValueSource(ints = {0x80, 0x0F, 0x01, -1})
    void invalidRsvIsRefusedAndThePayloadReleased(int rsv) {
        ByteBuf payload = ByteBufAllocator.DEFAULT.buffer(4).writeInt(1);
        assertThrows(IllegalArgumentException.class, () -> new BinaryFrame(true, rsv, payload));
        assertEquals(0, payload.refCnt(), "ownership passed to the constructor, which must release on refusal");
    }

    @ParameterizedTest(name = "type {0}")
    @ValueSource(ints = {0, 1})
    void section5_5_controlPayloadOver125IsRefusedAndReleased(int type) {
        Function<ByteBuf, Frame> constructor = type == 0 ? PingFrame::new : PongFrame::new;
        ByteBuf payload = ByteBufAllocator.DEFAULT.buffer(126).writeZero(126);
        assertThrows(IllegalArgumentException.class, () -> constructor.apply(payload));
        assertEquals(0, payload.refCnt());
        Frame ok = constructor.apply(Unpooled.buffer(125).writeZero(125));
        assertTrue(ok.release());
    }

    @ParameterizedTest(name = "code {0}")
    @ValueSource(ints = {0, 1005, 1006, 1015, 5000})
    void section7_4_closeFrameWithACodeThatMayNotBeSentIsRefused(int code) {
        assertThrows(IllegalArgumentException.class, () -> new CloseFrame(code, "x"));
    }

    @Test
    void section5_5_1_closeReasonLongerThan123BytesIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CloseFrame(1000, "x".repeat(124)));
        CloseFrame ok = new CloseFrame(1000, "x".repeat(123));
        assertEquals(125, ok.content().readableBytes());
        assertEquals(1000, ok.statusCode());
        assertTrue(ok.release());
    }

    @Test
    void closeFrameWithoutBodyReports1005AndNoReason() {
        CloseFrame close = new CloseFrame();
        assertEquals(CloseStatus.NO_STATUS_RECEIVED, close.statusCode());
        assertEquals("", close.reasonText());
        CloseFrame nullReason = new CloseFrame(1001, null);
        assertEquals("", nullReason.reasonText());
        assertTrue(nullReason.release());
    }

    @Test
    void headerByteCombinesFinRsvAndOpcode() {
        Frame frame = new TextFrame(false, Frame.RSV1 | Frame.RSV2, Unpooled.EMPTY_BUFFER);
        assertEquals(0x61, frame.headerByte());
        assertFalse(frame.isFinal());
        assertEquals(0x60, frame.rsv());
        assertEquals(0x89, new PingFrame(Unpooled.EMPTY_BUFFER).headerByte());
    }

    @Test
    void replaceKeepsTypeFinAndRsv() {
        ByteBuf original = Unpooled.buffer(1).writeByte(1);
        ContinuationFrame frame = new ContinuationFrame(false, Frame.RSV3, original);
        ContinuationFrame replaced = frame.replace(Unpooled.buffer(1).writeByte(2));
        assertFalse(replaced.isFinal());
        assertEquals(Frame.RSV3, replaced.rsv());
        assertTrue(frame.release());
        assertTrue(replaced.release());
    }

    @Test
    void textFrameOfEncodesUtf8() {
        TextFrame frame = TextFrame.of(ByteBufAllocator.DEFAULT, "h\u00e9llo \ud83d\ude00");
        assertEquals("h\u00e9llo \ud83d\ude00", frame.text());
        assertEquals(11, frame.content().readableBytes());
        assertTrue(frame.release());
        assertEquals("", new TextFrame("").text());
    }

    @Test
    void opcodesAndReservedValues() {
        for (int code = 0; code < 16; code++) {
            Opcode opcode = Opcode.fromCode(code);
            boolean defined = code <= 2 || code >= 8 && code <= 10;
            assertEquals(defined, opcode != null, "opcode " + code);
            if (opcode != null) {
                assertEquals(code, opcode.code());
                assertEquals(code >= 8, opcode.isControl());
            }
        }
        assertEquals(null, Opcode.fromCode(16));
        assertEquals(null, Opcode.fromCode(-1));
    }
}
