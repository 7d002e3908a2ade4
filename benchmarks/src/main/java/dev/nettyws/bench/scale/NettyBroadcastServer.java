package dev.nettyws.bench.scale;

import dev.nettyws.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;

/**
 * The baseline of the scale benchmark: a one-room broadcast server on Netty's built-in websocketx, written the way
 * its documentation suggests (a {@link ChannelGroup} of handshaken channels; every text message is written to the
 * group, which duplicates the frame for each member and lets each member's encoder encode it). Started as a child
 * process by {@link ScaleCommand}: {@code java -cp benchmarks.jar dev.nettyws.bench.scale.NettyBroadcastServer PORT
 * [TRANSPORT]}. Prints {@code listening PORT} once bound.
 */
public final class NettyBroadcastServer {
    private NettyBroadcastServer() {
    }

    /** Runs the server until the process is killed. */
    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        Transport transport = (args.length > 1 ? Transport.valueOf(args[1]) : Transport.AUTO).resolve();
        EventLoopGroup group = transport.newEventLoopGroup(0, "netty-broadcast");
        ChannelGroup members = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        Broadcast broadcast = new Broadcast(members);
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
            .websocketPath("/chat").checkStartsWith(true).build();
        Channel server = new ServerBootstrap().group(group).channel(transport.serverChannelClass())
            .childHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                        new WebSocketServerProtocolHandler(config), broadcast);
                }
            })
            .bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
        System.out.println("listening " + port + " transport " + transport);
        server.closeFuture().sync();
    }

    /** Adds handshaken channels to the group and writes every text message to all of them. */
    @ChannelHandler.Sharable
    private static final class Broadcast extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        private final ChannelGroup members;

        Broadcast(ChannelGroup members) {
            this.members = members;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                members.add(ctx.channel());
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame msg) {
            members.writeAndFlush(new TextWebSocketFrame(msg.text()));
        }
    }
}
