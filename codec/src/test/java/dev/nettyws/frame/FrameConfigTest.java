package dev.nettyws.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The frame codec settings: finite defaults, checked at build time, copied by {@code toBuilder()}. */
class FrameConfigTest {

    @Test
    void defaultsAreFiniteAndStrict() {
        for (FrameConfig config : new FrameConfig[] {FrameConfig.SERVER_DEFAULT, FrameConfig.CLIENT_DEFAULT}) {
            assertEquals(1 << 20, config.maxFramePayloadLength());
            assertEquals(1 << 20, config.maxMessageLength());
            assertEquals(0, config.allowedRsvBits());
            assertTrue(config.validateUtf8());
            assertSame(MaskingKeySource.secure(), config.maskingKeySource());
        }
        assertEquals(Role.SERVER, FrameConfig.SERVER_DEFAULT.role());
        assertEquals(Role.CLIENT, FrameConfig.CLIENT_DEFAULT.role());
        assertEquals(Role.SERVER, FrameConfig.builder().build().role());
    }

    @Test
    void toBuilderCopiesEveryValueAndLeavesTheOriginalAlone() {
        MaskingKeySource keys = () -> 42;
        FrameConfig config = FrameConfig.builder().role(Role.CLIENT).maxFramePayloadLength(100).maxMessageLength(200)
            .allowedRsvBits(Frame.RSV1).validateUtf8(false).maskingKeySource(keys).build();
        FrameConfig copy = config.toBuilder().build();
        assertNotSame(config, copy);
        assertEquals(config.toString(), copy.toString());
        assertSame(keys, copy.maskingKeySource());
        FrameConfig changed = config.toBuilder().maxMessageLength(300).build();
        assertEquals(300, changed.maxMessageLength());
        assertEquals(200, config.maxMessageLength());
        assertEquals("FrameConfig(role=CLIENT, maxFramePayloadLength=100, maxMessageLength=200,"
            + " maxFragmentsPerMessage=131072, allowedRsvBits=0x40, validateUtf8=false, memoryBudget="
            + MemoryBudget.jvmDefault().limit() + ')', config.toString());
        MemoryBudget budget = MemoryBudget.of(1 << 20);
        assertSame(budget, config.toBuilder().memoryBudget(budget).build().toBuilder().build().memoryBudget());
        assertSame(MemoryBudget.jvmDefault(), config.memoryBudget());
        assertEquals(7, config.toBuilder().maxFragmentsPerMessage(7).build().toBuilder().build()
            .maxFragmentsPerMessage());
    }

    @Test
    void maxLengthSetsBothLimits() {
        FrameConfig config = FrameConfig.builder().maxLength(5000).build();
        assertEquals(5000, config.maxFramePayloadLength());
        assertEquals(5000, config.maxMessageLength());
    }

    @Test
    void negativeFrameLimitIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> FrameConfig.builder().maxFramePayloadLength(-1).build());
    }

    @Test
    void messageLimitBelowFrameLimitIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> FrameConfig.builder().maxFramePayloadLength(100).maxMessageLength(99).build());
        assertEquals("maxMessageLength (99) must be >= maxFramePayloadLength (100)", e.getMessage());
    }

    @ParameterizedTest(name = "0x{0}")
    @ValueSource(ints = {0x80, 0x08, 0x01, 0x0F, -1})
    void allowedRsvBitsOutsideRsv1To3AreRejected(int bits) {
        assertThrows(IllegalArgumentException.class, () -> FrameConfig.builder().allowedRsvBits(bits).build());
    }

    @Test
    void nullRoleOrKeySourceIsRejected() {
        assertThrows(NullPointerException.class, () -> FrameConfig.builder().role(null));
        assertThrows(NullPointerException.class, () -> FrameConfig.builder().maskingKeySource(null));
    }

    @Test
    void zeroLimitsAreAllowed() {
        FrameConfig config = FrameConfig.builder().maxLength(0).build();
        assertEquals(0, config.maxFramePayloadLength());
    }
}
