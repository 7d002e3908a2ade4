package dev.nettyws.internal;

import static java.util.concurrent.TimeUnit.NANOSECONDS;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The one idle timer of an event loop: every {@link KeepAlive} of the loop's connections is on its list, and a
 * single scheduled task looks at all of them when the earliest falls due, acts on those whose time has come, and
 * re-arms for the next. Why: a scheduled task per connection is about 150 B on every idle connection, one per loop
 * is nothing per connection.
 *
 * <p>Sweeps of a loop are at least {@link #granularity} apart (a tenth of a second, less for shorter periods), so
 * connections whose times fall close together are handled in one pass; a timeout may therefore act up to that much
 * late, never early. With many connections whose times are spread out, something is due at every sweep, so the
 * whole list is walked up to ten times a second (a few comparisons per connection); the granularity only shrinks
 * while the loop has connections. A
 * sweep exists while its loop has connections to watch and is forgotten with the last.
 *
 * <p>Everything but {@link #of} runs on the loop; {@link #of} is called on it too. Holds no buffers.
 */
final class IdleSweep {
    /** The most a timeout waits for the next sweep: 100 ms. */
    static final long MAX_GRANULARITY_NANOS = 100_000_000L;

    private static final ConcurrentMap<EventExecutor, IdleSweep> SWEEPS = new ConcurrentHashMap<>();

    private final EventExecutor loop;
    private KeepAlive first;
    private int size;
    private long granularity = MAX_GRANULARITY_NANOS;
    private ScheduledFuture<?> timer;
    private long timerDue;
    private long lastSweep;
    private boolean swept;

    private IdleSweep(EventExecutor loop) {
        this.loop = loop;
    }

    /** The sweep of {@code loop}, created on first use; call it on the loop. */
    static IdleSweep of(EventExecutor loop) {
        return SWEEPS.computeIfAbsent(loop, IdleSweep::new);
    }

    /** How many connections the sweep of {@code loop} watches, for tests; 0 when it has none. */
    static int watched(EventExecutor loop) {
        IdleSweep sweep = SWEEPS.get(loop);
        return sweep == null ? 0 : sweep.size;
    }

    void add(KeepAlive member, ChannelHandlerContext ctx, long now) {
        member.ctx = ctx;
        member.previous = null;
        member.next = first;
        if (first != null) {
            first.previous = member;
        }
        first = member;
        size++;
        granularity = Math.min(granularity, Math.max(1, member.periodNanos() / 4));
        arm(member.dueNanos(), now);
    }

    void remove(KeepAlive member) {
        if (member.previous != null) {
            member.previous.next = member.next;
        } else {
            first = member.next;
        }
        if (member.next != null) {
            member.next.previous = member.previous;
        }
        member.ctx = null;
        member.previous = null;
        member.next = null;
        if (--size == 0) {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
            SWEEPS.remove(loop, this);
        }
    }

    /** Makes sure a sweep runs by {@code due} (or as soon after the last sweep as the granularity allows). */
    private void arm(long due, long now) {
        if (swept && due - (lastSweep + granularity) < 0) {
            due = lastSweep + granularity;
        }
        if (timer != null) {
            if (due - timerDue >= 0) {
                return;
            }
            timer.cancel(false);
        }
        timerDue = due;
        timer = loop.schedule(this::sweep, Math.max(0, due - now), NANOSECONDS);
    }

    private void sweep() {
        timer = null;
        long now = loop.ticker().nanoTime();
        // Spaced from when this sweep was due, not from when a busy loop got to it.
        lastSweep = timerDue;
        swept = true;
        boolean any = false;
        boolean cut = false;
        long next = 0;
        try {
            for (KeepAlive member = first; member != null;) {
                KeepAlive following = member.next;
                if (member.ctx == null) {
                    // Removed by the close of a connection checked before it in this sweep: its link is cut, so the
                    // walk may end here with members after it unseen.
                    cut = true;
                    member = following;
                    continue;
                }
                if (member.dueNanos() - now > 0 || member.check(now)) {
                    long due = member.dueNanos();
                    next = !any || due - next < 0 ? due : next;
                    any = true;
                } else if (member.ctx != null) {
                    // Not removed yet by the channel's own close, which the check may have caused.
                    remove(member);
                }
                member = following;
            }
            if (any && size > 0) {
                arm(next, now);
            }
        } finally {
            if (size > 0 && (timer == null || cut)) {
                // The walk ended early (a check threw, or a close removed the member after the one checked, whose
                // link then ends the list): the others are looked at one step later rather than never.
                arm(lastSweep + granularity, now);
            }
        }
    }
}
