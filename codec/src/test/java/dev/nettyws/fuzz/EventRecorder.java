package dev.nettyws.fuzz;

import dev.nettyws.frame.Frame;
import dev.nettyws.protocol.WebSocketClosedEvent;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * The last handler of a fuzzed pipeline, standing in for the application: records what reaches it as short stable
 * strings (so that two runs can be compared), releases every message, and records exceptions instead of letting
 * them reach the pipeline's tail, so that a test can tell that one escaped.
 *
 * <p>One instance per channel; called on the channel's event loop only.
 */
final class EventRecorder extends ChannelInboundHandlerAdapter {
    final List<String> events = new ArrayList<>();
    final List<WebSocketClosedEvent> closedEvents = new ArrayList<>();
    final List<Throwable> escaped = new ArrayList<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Frame) {
                Frame frame = (Frame) msg;
                events.add(frame.opcode() + (frame.isFinal() ? " fin" : "") + " rsv=" + frame.rsv() + " "
                    + ByteBufUtil.hexDump(frame.content()));
            } else {
                events.add("unexpected " + msg.getClass().getName());
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof WebSocketClosedEvent) {
            WebSocketClosedEvent closed = (WebSocketClosedEvent) evt;
            closedEvents.add(closed);
            events.add("closed " + closed.statusCode() + " remote=" + closed.remote() + " clean=" + closed.clean());
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        escaped.add(cause);
    }

    /** Fails when an exception reached the application. */
    void assertNothingEscaped() {
        if (!escaped.isEmpty()) {
            AssertionError error = new AssertionError("an exception escaped to the application: " + escaped.get(0));
            escaped.forEach(error::addSuppressed);
            throw error;
        }
    }
}
