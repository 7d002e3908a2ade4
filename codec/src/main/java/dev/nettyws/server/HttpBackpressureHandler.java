package dev.nettyws.server;

import dev.nettyws.internal.SlowPeerDetector;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * Bounds what one HTTP/1.1 connection can make the server hold before it upgrades, whatever the application's HTTP
 * handlers do: a client that pipelines requests (RFC 9112 §9.3.2) and never reads the responses must not make the
 * server queue responses without end, however carelessly the handlers write.
 *
 * <p><b>Place.</b> Right after the HTTP codec ({@link HttpServerCodec}), before the {@link UpgradeHandler}s and the
 * application's HTTP handlers ({@code WebSocketServer.install} puts it there):
 * <pre>
 *   HttpServerCodec - HttpBackpressureHandler - UpgradeHandler - [application HTTP handlers]
 * </pre>
 *
 * <p><b>Requests.</b> A request is passed on while the channel is writable and fewer than
 * {@code maxPipelinedRequests} passed requests await their final response (a {@code LastHttpContent} or
 * {@code HttpChunkedInput} of a status other than 1xx, written by anyone after this handler). Otherwise the request,
 * and whatever the codec decodes after it, is held, and the channel stops reading ({@code autoRead} off) until the
 * channel is writable again and responses have been written; then the held messages go on in order, followed by a
 * {@code channelReadComplete}, and reading resumes. A request's body is never held for this reason: it does not
 * produce more responses, and the application may need all of it to answer. So no new request reaches the
 * application while the peer does not read what it has been sent, and what is held is at most what one socket read
 * decoded (reading stops after it).
 *
 * <p><b>Peers that do not read.</b> The outbound limits of the WebSocket connection apply from the first byte: a write
 * that leaves more than {@code maxPendingWriteBytes} queued while the channel is unwritable, or a channel that stays
 * unwritable for {@code writeStallTimeout} without any queued byte leaving, closes the connection at once (an HTTP
 * response could only queue behind the unread bytes).
 *
 * <p><b>The upgrade.</b> When a {@code 101 Switching Protocols} response passes, the HTTP phase is over: this handler
 * removes itself, restores reading if it had stopped it, and the WebSocket handlers take over the outbound limits.
 * It owns {@code autoRead} during the HTTP phase only in this sense: it turns it off when it holds a request, and on
 * again only if it was the one that turned it off.
 *
 * <p><b>Threads and buffers.</b> One instance per channel, not sharable; every method runs on the channel's event
 * loop. Held messages are released if the channel closes (or the handler is removed) before they are passed on;
 * everything passed on belongs to the next handler as usual.
 */
public class HttpBackpressureHandler extends ChannelDuplexHandler {
    private static final InternalLogger LOGGER = InternalLoggerFactory.getInstance(HttpBackpressureHandler.class);

    private final int maxPipelinedRequests;
    private final SlowPeerDetector slowPeer;
    private final FinalResponses responses = new FinalResponses();
    /** Messages decoded while a request could not be passed on, in order; the first is a request. */
    private final ArrayDeque<Object> held = new ArrayDeque<>();

    private ChannelHandlerContext ctx;
    /** Requests passed on whose final response has not been written yet. */
    private int outstanding;
    /** Whether this handler turned autoRead off. */
    private boolean readingStopped;
    private boolean drainScheduled;
    private boolean draining;
    /** Writes and flushes under way through this handler; held requests are never passed on from inside one. */
    private int outboundDepth;
    /** A drain found an outbound operation under way and waits for its end. */
    private boolean drainDeferred;
    private boolean upgraded;

    /**
     * Creates the handler for one channel.
     *
     * @param maxPipelinedRequests how many requests may await their response at once; at least 1
     * @param maxPendingWriteBytes the most bytes that may stay queued for the peer while the channel is unwritable;
     *     0 for no limit
     * @param writeStallTimeout how long the channel may stay unwritable without progress; zero for no limit
     * @throws IllegalArgumentException if {@code maxPipelinedRequests} is below 1 or a limit is negative
     */
    public HttpBackpressureHandler(int maxPipelinedRequests, long maxPendingWriteBytes, Duration writeStallTimeout) {
        Objects.requireNonNull(writeStallTimeout, "writeStallTimeout");
        if (maxPipelinedRequests < 1) {
            throw new IllegalArgumentException("maxPipelinedRequests must be >= 1: " + maxPipelinedRequests);
        }
        if (maxPendingWriteBytes < 0 || writeStallTimeout.isNegative()) {
            throw new IllegalArgumentException("limits must be >= 0: " + maxPendingWriteBytes + ", "
                + writeStallTimeout);
        }
        this.maxPipelinedRequests = maxPipelinedRequests;
        this.slowPeer = new SlowPeerDetector(maxPendingWriteBytes, writeStallTimeout.toNanos(), this::onSlowPeer);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        slowPeer.cancel();
        if (!draining) {
            // Removed from inside a drain (a held upgrade request was accepted), the drain deals with the rest.
            releaseHeld();
        }
        resumeReading();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        slowPeer.cancel();
        releaseHeld();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (upgraded || !(msg instanceof HttpObject)) {
            // After the switch the codec hands its unread bytes on: they are WebSocket frames, not ours to hold.
            ctx.fireChannelRead(msg);
            return;
        }
        if (!held.isEmpty() || msg instanceof HttpRequest && !mayPassRequest()) {
            held.add(msg);
            stopReading();
            return;
        }
        pass(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean switching = msg instanceof HttpResponse
            && HttpResponseStatus.SWITCHING_PROTOCOLS.equals(((HttpResponse) msg).status());
        if (responses.ends(msg) && outstanding > 0) {
            outstanding--;
            scheduleDrain();
        }
        outboundDepth++;
        try {
            slowPeer.write(ctx, msg, promise);
        } finally {
            endOutbound();
        }
        if (switching && !ctx.isRemoved()) {
            upgraded = true;
            ctx.pipeline().remove(this);
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        outboundDepth++;
        try {
            ctx.flush();
        } finally {
            endOutbound();
        }
    }

    private void endOutbound() {
        if (--outboundDepth == 0 && drainDeferred) {
            drainDeferred = false;
            scheduleDrain();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        slowPeer.writabilityChanged(ctx);
        if (ctx.channel().isWritable()) {
            scheduleDrain();
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** Requests passed on whose final response has not been written yet. Event loop only. */
    public int outstandingRequests() {
        return outstanding;
    }

    /** Decoded messages held back now (requests and their content), at most what one socket read decoded. */
    public int heldMessages() {
        return held.size();
    }

    private boolean mayPassRequest() {
        return outstanding < maxPipelinedRequests && ctx.channel().isWritable();
    }

    private void pass(Object msg) {
        if (msg instanceof HttpRequest) {
            outstanding++;
        }
        ctx.fireChannelRead(msg);
    }

    /**
     * Passes held messages on, later rather than from inside the write or writability event that allowed it, so
     * that the application is not entered again from its own write. (An {@code EmbeddedChannel} runs its pending
     * tasks inside writes; the drain then waits for the write to end.)
     */
    private void scheduleDrain() {
        if (!held.isEmpty() && !drainScheduled) {
            drainScheduled = true;
            ctx.executor().execute(this::drain);
        }
    }

    private void drain() {
        drainScheduled = false;
        if (outboundDepth > 0) {
            drainDeferred = true;
            return;
        }
        boolean passed = false;
        draining = true;
        try {
            while (!held.isEmpty() && !ctx.isRemoved()) {
                if (held.peek() instanceof HttpRequest && !mayPassRequest()) {
                    break;
                }
                pass(held.poll());
                passed = true;
            }
        } finally {
            draining = false;
        }
        if (ctx.isRemoved()) {
            // Removed from inside this drain, so the removal left the rest to it. By an upgrade (a held upgrade
            // request was accepted): its LastHttpContent still goes to the upgrade decoder, which waits for it, and
            // what the codec decoded after it was WebSocket data parsed as HTTP, lost. By the application: the rest
            // goes on in order, as it would have without this handler.
            boolean requestEnded = false;
            Object msg;
            while ((msg = held.poll()) != null) {
                if (!upgraded || msg instanceof LastHttpContent && !requestEnded) {
                    requestEnded = upgraded;
                    ctx.fireChannelRead(msg);
                } else {
                    ReferenceCountUtil.release(msg);
                }
            }
        }
        if (passed) {
            ctx.fireChannelReadComplete();
        }
        if (held.isEmpty()) {
            resumeReading();
        }
    }

    private void stopReading() {
        ChannelConfig config = ctx.channel().config();
        if (!readingStopped && config.isAutoRead()) {
            readingStopped = true;
            config.setAutoRead(false);
        }
    }

    private void resumeReading() {
        if (readingStopped) {
            readingStopped = false;
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void onSlowPeer(String reason) {
        LOGGER.debug("{} closed before the upgrade: {}", ctx.channel(), reason);
        ctx.close();
    }

    private void releaseHeld() {
        Object msg;
        while ((msg = held.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }
}
