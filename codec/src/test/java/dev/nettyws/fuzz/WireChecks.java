package dev.nettyws.fuzz;

import dev.nettyws.testsupport.WireFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * The invariants every fuzz target checks on what a channel wrote back, with an oracle written from RFC 6455 and
 * independent of the codec: well-formed frames, masked by role, at most one close frame with a code that may be
 * sent, and nothing but pongs after it. Failures are {@link AssertionError}s, which Jazzer reports as findings.
 */
final class WireChecks {
    static final int OPCODE_CLOSE = 0x8;
    static final int OPCODE_PONG = 0xA;

    private WireChecks() {
    }

    /** RFC 6455 §7.4.1 and §7.4.2, with the IANA registrations 1012-1014: the codes a close frame may carry. */
    static boolean sendableCloseCode(int code) {
        return code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
    }

    /** Drains the channel's outbound buffers into one array, releasing each; fails on anything but a buffer. */
    static byte[] drainOutbound(EmbeddedChannel channel) {
        ByteBuf all = Unpooled.buffer();
        try {
            for (Object msg; (msg = channel.readOutbound()) != null;) {
                if (!(msg instanceof ByteBuf)) {
                    ReferenceCountUtil.release(msg);
                    throw new AssertionError("a non-buffer reached the wire: " + msg);
                }
                ByteBuf buf = (ByteBuf) msg;
                all.writeBytes(buf);
                buf.release();
            }
            return ByteBufUtil.getBytes(all);
        } finally {
            all.release();
        }
    }

    /**
     * Parses frames sent by an endpoint of the given role and checks them.
     *
     * @param wire everything the endpoint wrote
     * @param clientSent whether the endpoint is a client (its frames must be masked, RFC 6455 §5.1)
     * @return the frames, in order
     */
    static List<WireFrame> checkSentFrames(byte[] wire, boolean clientSent) {
        ByteBuf buf = Unpooled.wrappedBuffer(wire);
        List<WireFrame> frames = new ArrayList<>();
        try {
            while (buf.isReadable()) {
                frames.add(WireFrame.read(buf));
            }
        } catch (IllegalArgumentException e) {
            throw new AssertionError("the endpoint wrote a malformed frame: " + ByteBufUtil.hexDump(wire), e);
        } finally {
            buf.release();
        }
        boolean closeSeen = false;
        for (WireFrame frame : frames) {
            if (frame.masked() != clientSent) {
                throw new AssertionError("§5.1: frame masking does not match the role: " + describe(frame));
            }
            if (closeSeen && frame.opcode() != OPCODE_PONG) {
                throw new AssertionError("§5.5.1: " + describe(frame) + " sent after the close frame");
            }
            if (frame.opcode() == OPCODE_CLOSE) {
                closeSeen = true;
                if (frame.payload().length == 1 || frame.payload().length >= 2
                    && !sendableCloseCode(frame.closeCode())) {
                    throw new AssertionError("§7.4: close frame with an unsendable code: " + describe(frame));
                }
            }
        }
        return frames;
    }

    /** The close frames among {@code frames}. */
    static List<WireFrame> closeFrames(List<WireFrame> frames) {
        List<WireFrame> closes = new ArrayList<>();
        for (WireFrame frame : frames) {
            if (frame.opcode() == OPCODE_CLOSE) {
                closes.add(frame);
            }
        }
        return closes;
    }

    /** A short stable text for a frame, for comparing outcomes and for messages. */
    static String describe(WireFrame frame) {
        return "op=" + frame.opcode() + (frame.fin() ? " fin" : "") + " rsv=" + frame.rsv()
            + (frame.opcode() == OPCODE_CLOSE && frame.payload().length >= 2 ? " code=" + frame.closeCode() : "")
            + " len=" + frame.payload().length;
    }

    /** The arrays one after another. */
    static byte[] concat(List<byte[]> parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
