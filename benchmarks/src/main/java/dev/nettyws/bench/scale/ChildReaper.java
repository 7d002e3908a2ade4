package dev.nettyws.bench.scale;

import dev.nettyws.bench.ChildJvm;
import java.util.ArrayList;
import java.util.List;

/**
 * Stops the processes a run started when this JVM is stopped before the run's {@code finally} could (SIGTERM,
 * Ctrl-C): a shutdown hook that kills, by pid, every child still alive. Closing it removes the hook; the run then
 * stops its children itself, in order. Children are added from the run's thread; the hook reads them under a lock.
 */
final class ChildReaper implements AutoCloseable {
    private final List<Long> pids = new ArrayList<>();
    private final Thread hook = new Thread(this::killAll, "scale-child-reaper");

    ChildReaper() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Watches {@code child}; returns it. */
    ChildJvm watch(ChildJvm child) {
        synchronized (pids) {
            pids.add(child.pid());
        }
        return child;
    }

    private void killAll() {
        synchronized (pids) {
            for (long pid : pids) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook runs.
        }
    }
}
