package dev.nettyws.testkit;

import dev.nettyws.frame.Frame;
import dev.nettyws.frame.TextFrame;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/** The handler under test in the kit's own tests: echoes data messages, answers "leak" by leaking one. */
final class Echo extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof TextFrame && "leak".equals(((TextFrame) msg).text())) {
            return;
        }
        if (msg instanceof Frame && !((Frame) msg).isControl()) {
            ctx.writeAndFlush(msg);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }
}
