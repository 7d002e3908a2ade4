package dev.nettyws.bench.load;

import dev.nettyws.bench.ChildJvm;
import dev.nettyws.transport.Transport;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An {@link EchoServer} in a child JVM ({@link ChildJvm}), optionally pinned to CPUs with {@code taskset}: its port,
 * transport and CPU time.
 *
 * <p>Used from the load tool's main thread only. {@link #close()} closes the child's standard input, the server's
 * signal to stop.
 */
final class ServerProcess implements AutoCloseable {
    private final ChildJvm child;
    private final int port;
    private final String transport;

    private ServerProcess(ChildJvm child, int port, String transport) {
        this.child = child;
        this.port = port;
        this.transport = transport;
    }

    /**
     * Starts a server and waits until it listens.
     *
     * @param kind which server
     * @param transport the server's transport
     * @param cpus a {@code taskset -c} CPU list, or null not to pin
     * @param heap the child's {@code -Xmx}/{@code -Xms}, such as {@code 512m}
     * @return the running server
     * @throws IOException if it cannot be started or does not report its port
     */
    static ServerProcess start(ServerKind kind, Transport transport, String cpus, String heap) throws IOException {
        ChildJvm child = ChildJvm.start(ChildJvm.java(cpus, heap, "-cp", System.getProperty("java.class.path"),
            EchoServer.class.getName(), "--kind=" + kind.label(), "--transport=" + transport.name()), "LISTENING ",
            60);
        String[] parts = child.readyLine().split(" ");
        return new ServerProcess(child, Integer.parseInt(parts[1]), parts.length > 2 ? parts[2] : "?");
    }

    /** The port the server listens on, on 127.0.0.1. */
    int port() {
        return port;
    }

    /** The transport the server resolved ({@code epoll}, {@code io_uring} or {@code nio}). */
    String transport() {
        return transport;
    }

    /** The child's process id. */
    long pid() {
        return child.pid();
    }

    /** CPU seconds the server has used so far ({@link ChildJvm#cpuSeconds()}). */
    double cpuSeconds() throws IOException {
        return child.cpuSeconds();
    }

    /**
     * CPU seconds the server's event loop has used so far: its {@code nettyws-*} threads (and io_uring's kernel
     * workers, {@code iou-*}, which do I/O for it), without the JIT compiler and GC threads.
     */
    double loopCpuSeconds() throws IOException {
        return child.threadCpuSeconds("nettyws-", "iou-");
    }

    /**
     * Starts CPU sampling in the server.
     *
     * @return the profiler's event ({@code cpu} or {@code itimer})
     */
    String startProfile() throws IOException, InterruptedException {
        child.send("profile-start");
        return child.await("PROFILING ", 30).substring("PROFILING ".length());
    }

    /**
     * Stops CPU sampling and waits until the server wrote {@code prefix.html} and {@code prefix.collapsed}.
     *
     * @param prefix the output path without extension
     */
    void stopProfile(Path prefix) throws IOException, InterruptedException {
        String path = prefix.toAbsolutePath().toString();
        child.send("profile-stop " + path);
        child.await("PROFILED " + path, 60);
    }

    @Override
    public void close() {
        child.close();
    }
}
