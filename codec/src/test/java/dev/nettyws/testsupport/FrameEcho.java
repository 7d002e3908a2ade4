package dev.nettyws.testsupport;

import dev.nettyws.frame.Frame;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * An application handler for tests: writes every frame it receives back as it is (the frame passes to the encoder,
 * which releases it) and releases anything else. Sharable; runs on each channel's event loop.
 */
@ChannelHandler.Sharable
public final class FrameEcho extends ChannelInboundHandlerAdapter {
    /** The one instance. */
    public static final FrameEcho INSTANCE = new FrameEcho();

    private FrameEcho() {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Frame) {
            ctx.writeAndFlush(msg);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }
}
