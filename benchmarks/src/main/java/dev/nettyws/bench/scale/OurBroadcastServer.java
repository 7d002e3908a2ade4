package dev.nettyws.bench.scale;

import dev.nettyws.frame.TextFrame;
import dev.nettyws.group.WebSocketGroup;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.server.BoundServer;
import dev.nettyws.server.WebSocketServerConfig;
import dev.nettyws.server.WebSocketServerInitializer;
import dev.nettyws.transport.Transport;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.net.InetSocketAddress;

/**
 * The same one-room broadcast server as {@link NettyBroadcastServer}, on our codec: the upgraded channels in a
 * {@link WebSocketGroup}, every text message published to all of them: encoded once, the same bytes written to every
 * member, each member flushed once per run of messages on its event loop, which is what the codec gives an
 * application. With the defaults of {@link WebSocketServerConfig} (idle timeout, limits), except the per-address
 * connection limit (the receivers come from four addresses). So the scale benchmark compares the codecs with the
 * same application on top; the chat server adds its own state per member. Started as a child process by
 * {@link ScaleCommand}: {@code java -cp benchmarks.jar dev.nettyws.bench.scale.OurBroadcastServer PORT [TRANSPORT]}.
 * Prints {@code listening PORT} once bound.
 */
public final class OurBroadcastServer {
    private OurBroadcastServer() {
    }

    /** Runs the server until the process is killed. */
    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        Broadcast broadcast = new Broadcast(new WebSocketGroup());
        // The receivers come from four loopback addresses, thousands each: no per-address connection limit.
        WebSocketServerConfig config = WebSocketServerConfig.builder().path("/chat").maxConnectionsPerAddress(0)
            .build();
        Transport transport = args.length > 1 ? Transport.valueOf(args[1]) : Transport.AUTO;
        BoundServer server = BoundServer.bind(transport, 0, new InetSocketAddress("127.0.0.1", port),
            new WebSocketServerInitializer(config, () -> broadcast));
        System.out.println("listening " + port + " transport " + server.transport().displayName());
        server.closeFuture().sync();
    }

    /** Adds upgraded channels to the group and publishes every text message to all of them. */
    @ChannelHandler.Sharable
    private static final class Broadcast extends SimpleChannelInboundHandler<TextFrame> {
        private final WebSocketGroup members;

        Broadcast(WebSocketGroup members) {
            // The message is handed to the group, which releases it.
            super(false);
            this.members = members;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof HandshakeCompletedEvent) {
                members.add(ctx.channel());
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextFrame msg) {
            members.publish(msg);
        }
    }
}
