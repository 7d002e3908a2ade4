package dev.nettyws.frame;

import static dev.nettyws.frame.TestChannels.KEY;
import static dev.nettyws.frame.TestChannels.accept;
import static dev.nettyws.frame.TestChannels.assertFailsOnLastRead;
import static dev.nettyws.frame.TestChannels.readAll;
import static dev.nettyws.frame.TestChannels.releaseAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nettyws.testsupport.FrameBytes;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link FrameConfig#maxFragmentsPerMessage()}: a message split into more frames than the limit (RFC 6455 §5.4
 * allows any number) fails the connection with 1009 on the header of the frame that exceeds it, however small the
 * frames are; the count starts again with each message.
 */
class FrameDecoderFragmentLimitTest {
    private static final byte[] FIRST_EMPTY = FrameBytes.binary(new byte[0]).fin(false).mask(KEY).bytes();
    private static final byte[] MIDDLE_EMPTY = FrameBytes.continuation(new byte[0]).fin(false).mask(KEY).bytes();
    private static final byte[] LAST_EMPTY = FrameBytes.continuation(new byte[0]).mask(KEY).bytes();

    private static EmbeddedChannel channel(int maxFragments) {
        return TestChannels.channel(FrameConfig.SERVER_DEFAULT.toBuilder().maxFragmentsPerMessage(maxFragments)
            .build());
    }

    @Test
    void defaultIsFiniteAndAllowsTheMostFragmentedAutobahnCase() {
        // Autobahn 9.3.1/9.4.1: 4 MiB in 64-byte fragments, 65,536 frames.
        assertEquals(1 << 17, FrameConfig.SERVER_DEFAULT.maxFragmentsPerMessage());
        assertEquals(1 << 17, FrameConfig.CLIENT_DEFAULT.maxFragmentsPerMessage());
    }

    @Test
    void messageOfExactlyTheLimitIsAccepted() {
        EmbeddedChannel ch = channel(3);
        accept(ch, FIRST_EMPTY, MIDDLE_EMPTY, LAST_EMPTY);
        List<Frame> frames = readAll(ch);
        assertEquals(3, frames.size());
        releaseAll(frames);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void oneFrameMoreFails1009OnItsHeader() {
        EmbeddedChannel ch = channel(3);
        ProtocolViolationException e = assertFailsOnLastRead(ch, CloseStatus.MESSAGE_TOO_BIG, FIRST_EMPTY,
            MIDDLE_EMPTY, MIDDLE_EMPTY, LAST_EMPTY);
        assertEquals("message exceeds 3 frames", e.getMessage());
        List<Frame> frames = readAll(ch);
        assertEquals(3, frames.size());
        releaseAll(frames);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void countStartsAgainWithEachMessageAndIgnoresControlFrames() {
        EmbeddedChannel ch = channel(2);
        byte[] ping = FrameBytes.ping(new byte[0]).mask(KEY).bytes();
        for (int i = 0; i < 3; i++) {
            accept(ch, FIRST_EMPTY, ping, ping, LAST_EMPTY);
        }
        List<Frame> frames = readAll(ch);
        assertEquals(12, frames.size());
        releaseAll(frames);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void limitOfOneForbidsFragmentation() {
        EmbeddedChannel ch = channel(1);
        accept(ch, FrameBytes.text("whole").mask(KEY).bytes());
        releaseAll(readAll(ch));
        assertFailsOnLastRead(ch, CloseStatus.MESSAGE_TOO_BIG, FIRST_EMPTY, LAST_EMPTY);
        releaseAll(readAll(ch));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void limitBelowOneIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> FrameConfig.builder().maxFragmentsPerMessage(0).build());
    }
}
