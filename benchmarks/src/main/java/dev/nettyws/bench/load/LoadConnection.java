package dev.nettyws.bench.load;

import dev.nettyws.frame.BinaryFrame;
import dev.nettyws.frame.Frame;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * One load connection: keeps {@code inFlight} messages outstanding, and for every echo that comes back records the
 * round trip in the shared {@link LoadStats} and sends the next message. Echoes come back in order on a
 * connection, so the send times are kept in a ring and no timestamp travels in the payload (a text payload must
 * stay valid UTF-8).
 *
 * <p>WebSocket connections start sending on {@link HandshakeCompletedEvent}; TCP connections on
 * {@code channelActive}. Every message wraps a retained duplicate of one shared payload buffer; our client's
 * encoder masks it into a new buffer (RFC 6455 §5.3), the raw pipeline prepends a length, and the unframed byte
 * echo ({@link ServerKind#BYTES}) gets the bare payload: there the echo arrives as a byte stream cut anywhere, and
 * every {@code size} bytes received count as one message. Writes are flushed once per read batch.
 *
 * <p>One instance per channel; called on the channel's event loop. Releases every message it reads.
 */
final class LoadConnection extends ChannelInboundHandlerAdapter {
    private final boolean webSocket;
    private final boolean unframed;
    private final boolean text;
    private final ByteBuf payload;
    private final int inFlight;
    private final LoadStats stats;
    private final long[] sendTimes;
    private int head;
    private int tail;
    /** Unframed: bytes of the current message received so far. */
    private int partial;

    LoadConnection(ServerKind server, boolean text, ByteBuf payload, int inFlight, LoadStats stats) {
        this.webSocket = server.isWebSocket();
        this.unframed = server == ServerKind.BYTES;
        this.text = text;
        this.payload = payload;
        this.inFlight = inFlight;
        this.stats = stats;
        this.sendTimes = new long[inFlight];
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (!webSocket) {
            start(ctx);
        }
        super.channelActive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof HandshakeCompletedEvent) {
            start(ctx);
        }
        super.userEventTriggered(ctx, evt);
    }

    private void start(ChannelHandlerContext ctx) {
        stats.connected();
        for (int i = 0; i < inFlight; i++) {
            send(ctx);
        }
        ctx.flush();
    }

    private void send(ChannelHandlerContext ctx) {
        ByteBuf content = payload.retainedDuplicate();
        Object msg = !webSocket ? content : text ? new TextFrame(content) : new BinaryFrame(content);
        sendTimes[tail] = System.nanoTime();
        tail = (tail + 1) % inFlight;
        ctx.write(msg, ctx.voidPromise());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (unframed) {
            readUnframed(ctx, (ByteBuf) msg);
            return;
        }
        try {
            boolean echo = msg instanceof ByteBuf || msg instanceof Frame && !((Frame) msg).isControl();
            if (!echo) {
                return;
            }
            received();
        } finally {
            ReferenceCountUtil.release(msg);
        }
        send(ctx);
    }

    private void readUnframed(ChannelHandlerContext ctx, ByteBuf bytes) {
        int size = payload.readableBytes();
        partial += bytes.readableBytes();
        bytes.release();
        while (partial >= size) {
            partial -= size;
            received();
            send(ctx);
        }
    }

    private void received() {
        long sent = sendTimes[head];
        head = (head + 1) % inFlight;
        stats.received(System.nanoTime() - sent);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stats.disconnected();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        stats.failed(cause);
        ctx.close();
    }
}
