package dev.nettyws.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a listening socket serving through failed accepts, typically {@code EMFILE} (too many open files) when the
 * process is out of file descriptors, and logs them without a storm.
 *
 * <p>Netty's {@link ServerBootstrap} already pauses accepting for one second after a failed accept, and lets the
 * exception reach the end of the pipeline, where Netty logs it as unhandled, with a stack trace, every second for as
 * long as the shortage lasts. This handler, given to {@link ServerBootstrap#handler}, takes the exception instead:
 * it pauses accepting for {@value #PAUSE_MILLIS} ms the same way ({@code autoRead} off, then on again, which
 * retries the connections waiting in the listen backlog), logs the first failure at once and then one line per
 * {@value #LOG_INTERVAL_SECONDS} s with how many failed since, and one line when a connection is accepted again.
 * {@link BoundServer} installs it.
 *
 * <p>One instance per listening channel; runs on its event loop.
 */
public final class AcceptErrorHandler extends ChannelInboundHandlerAdapter {
    /** How long accepting pauses after a failure. */
    public static final int PAUSE_MILLIS = 1000;
    /** How often at most a line about failed accepts is logged. */
    public static final int LOG_INTERVAL_SECONDS = 10;

    private static final InternalLogger LOGGER = InternalLoggerFactory.getInstance(AcceptErrorHandler.class);

    private final RateLimitedLog failures = new RateLimitedLog(LOG_INTERVAL_SECONDS, TimeUnit.SECONDS);
    private long failuresSinceLastAccept;
    private boolean paused;
    /** Created in advance: at EMFILE, loading a class may fail too (Netty issue 1328). */
    private Runnable resume;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        resume = () -> {
            paused = false;
            ctx.channel().config().setAutoRead(true);
        };
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (failuresSinceLastAccept > 0) {
            LOGGER.warn("accepting connections again after {} failed accept(s)", failuresSinceLastAccept);
            failuresSinceLastAccept = 0;
            failures.drain();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        failuresSinceLastAccept++;
        long events = failures.count();
        if (events > 0) {
            String message = "accept failed " + events + " time(s) since the last report: " + cause
                + "; pausing " + PAUSE_MILLIS + " ms between attempts, reporting at most every "
                + LOG_INTERVAL_SECONDS + " s";
            if (cause instanceof IOException) {
                LOGGER.warn(message);
            } else {
                LOGGER.warn(message, cause);
            }
        }
        ChannelConfig config = ctx.channel().config();
        if (!paused && config.isAutoRead()) {
            paused = true;
            config.setAutoRead(false);
            ctx.executor().schedule(resume, PAUSE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }
}
