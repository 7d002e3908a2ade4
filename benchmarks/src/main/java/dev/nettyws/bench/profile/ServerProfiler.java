package dev.nettyws.bench.profile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import one.profiler.AsyncProfiler;

/**
 * CPU sampling of the JVM it runs in, with async-profiler (its Java API; the native library ships inside the
 * {@code tools.profiler:async-profiler} jar and is extracted on first use): Java, JVM and kernel frames, every
 * thread, one sample per millisecond of CPU time ({@code perf_events} cpu-clock, or {@code itimer} where perf events
 * are not allowed). {@link #stop} writes the interactive flame graph ({@code .html}) and the collapsed stacks
 * ({@code .collapsed}, one line per distinct stack with its sample count) that {@link FlameGraphCommand} renders.
 *
 * <p>Called from the thread that reads the echo server's commands; async-profiler itself is thread-safe.
 */
public final class ServerProfiler {
    /** Sampling interval in nanoseconds of CPU time. */
    private static final long INTERVAL_NANOS = 1_000_000;

    private final AsyncProfiler profiler;

    private ServerProfiler(AsyncProfiler profiler) {
        this.profiler = profiler;
    }

    /**
     * Loads async-profiler into this JVM.
     *
     * @return a profiler, not started
     * @throws IllegalStateException if the native library cannot be loaded on this platform
     */
    public static ServerProfiler load() {
        return new ServerProfiler(AsyncProfiler.getInstance());
    }

    /**
     * Starts sampling CPU time, on {@code cpu} (perf events) when the kernel allows it, else on {@code itimer}.
     *
     * @return the event in use
     * @throws IOException if neither event can be started
     */
    public String start() throws IOException {
        try {
            profiler.execute("start,event=cpu,interval=" + INTERVAL_NANOS + ",cstack=vm");
            return "cpu";
        } catch (IOException | IllegalStateException e) {
            profiler.execute("start,event=itimer,interval=" + INTERVAL_NANOS);
            return "itimer";
        }
    }

    /**
     * Stops sampling and writes {@code prefix.html} (flame graph) and {@code prefix.collapsed}.
     *
     * @param prefix the output path without extension
     * @throws IOException if the files cannot be written
     */
    public void stop(Path prefix) throws IOException {
        if (prefix.toAbsolutePath().getParent() != null) {
            Files.createDirectories(prefix.toAbsolutePath().getParent());
        }
        profiler.execute("stop");
        String base = prefix.toAbsolutePath().toString();
        profiler.execute("collapsed,file=" + base + ".collapsed");
        profiler.execute("flamegraph,title=" + prefix.getFileName() + ",file=" + base + ".html");
    }
}
