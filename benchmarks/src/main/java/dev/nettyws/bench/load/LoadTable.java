package dev.nettyws.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Turns the CSV written by {@link LoadCommand} into Markdown tables of ratios, the form the README reports them in:
 * per transport, messages per server-CPU-second of every server side by side, with ours, websocketx and the
 * length-prefixed raw echo as a share of the unframed byte echo (the ceiling) and ours against websocketx; then
 * every server on every transport against the first transport. Repeated runs count by their median
 * ({@link LoadResults}). Prints the tables and writes them to a file.
 *
 * <p>Runs on the main thread; reads and writes files only.
 */
@Command(name = "load-table", mixinStandardHelpOptions = true,
    description = "Ratio tables (Markdown) from load CSV results.")
public final class LoadTable implements Callable<Integer> {
    private static final String PER_CPU = "msgs_per_server_cpu_s";
    private static final String PER_LOOP_CPU = "msgs_per_loop_cpu_s";

    @Parameters(index = "0", description = "the CSV written by the load tool")
    private Path csv;

    @Option(names = "--out", description = "the Markdown file to write")
    private Path markdown;

    /**
     * Prints the tables.
     *
     * @param args see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadTable()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        LoadResults results = LoadResults.read(csv);
        StringBuilder out = new StringBuilder();
        for (String transport : results.transports()) {
            serversTable(out, results, transport);
        }
        if (results.transports().size() > 1) {
            transportsTable(out, results);
        }
        System.out.print(out);
        if (markdown != null) {
            Files.writeString(markdown, out.toString(), StandardCharsets.UTF_8);
            System.out.println("wrote " + markdown);
        }
        return 0;
    }

    private static void serversTable(StringBuilder out, LoadResults r, String transport) {
        boolean loop = !Double.isNaN(r.value(transport, r.workloads().get(0), "ours", PER_LOOP_CPU));
        out.append("Messages per server-CPU-second on ").append(transport).append(" (median of ")
            .append(r.runs(transport, r.workloads().get(0), "ours")).append(" run(s))")
            .append(loop ? "; the loop columns count the event loop thread's CPU only (no JIT compiler, no GC)" : "")
            .append(":\n\n| workload | ours | websocketx | raw (length prefix) | bytes (ceiling) | ours / bytes "
                + "| websocketx / bytes | raw / bytes | ours / websocketx")
            .append(loop ? " | loop: ours / bytes | loop: ours / websocketx" : "")
            .append(" | p99 µs ours / websocketx / bytes |\n|---").append("|---:".repeat(loop ? 11 : 9))
            .append("|\n");
        for (String workload : r.workloads()) {
            double ours = r.value(transport, workload, "ours", PER_CPU);
            double netty = r.value(transport, workload, "netty", PER_CPU);
            double raw = r.value(transport, workload, "raw", PER_CPU);
            double bytes = r.value(transport, workload, "bytes", PER_CPU);
            out.append("| ").append(workload).append(" | ").append(count(ours)).append(" | ").append(count(netty))
                .append(" | ").append(count(raw)).append(" | ").append(count(bytes))
                .append(" | **").append(ratio(ours / bytes)).append("**")
                .append(" | ").append(ratio(netty / bytes))
                .append(" | ").append(ratio(raw / bytes))
                .append(" | **").append(ratio(ours / netty)).append("x**");
            if (loop) {
                double oursLoop = r.value(transport, workload, "ours", PER_LOOP_CPU);
                out.append(" | ").append(ratio(oursLoop / r.value(transport, workload, "bytes", PER_LOOP_CPU)))
                    .append(" | ").append(ratio(oursLoop / r.value(transport, workload, "netty", PER_LOOP_CPU)))
                    .append('x');
            }
            out.append(" | ").append(count(r.value(transport, workload, "ours", "p99_us")))
                .append(" / ").append(count(r.value(transport, workload, "netty", "p99_us")))
                .append(" / ").append(count(r.value(transport, workload, "bytes", "p99_us"))).append(" |\n");
        }
        out.append('\n');
    }

    private static void transportsTable(StringBuilder out, LoadResults r) {
        List<String> transports = r.transports();
        String first = transports.get(0);
        List<String> others = transports.subList(1, transports.size());
        out.append("Messages per server-CPU-second by transport, and the ratios of msgs per CPU s and of msgs/s "
            + "(which the one-core client bounds) to ").append(first).append(":\n\n| server | workload");
        for (String transport : transports) {
            out.append(" | ").append(transport);
        }
        for (String transport : others) {
            out.append(" | per CPU s ").append(transport).append(" / ").append(first);
        }
        for (String transport : others) {
            out.append(" | msgs/s ").append(transport).append(" / ").append(first);
        }
        out.append(" |\n|---|---").append("|---:".repeat(transports.size() + 2 * others.size())).append("|\n");
        List<String> servers = new ArrayList<>();
        for (String transport : transports) {
            for (String server : r.servers(transport)) {
                if (!servers.contains(server)) {
                    servers.add(server);
                }
            }
        }
        for (String server : servers) {
            for (String workload : r.workloads()) {
                out.append("| ").append(server).append(" | ").append(workload);
                for (String transport : transports) {
                    out.append(" | ").append(count(r.value(transport, workload, server, PER_CPU)));
                }
                for (String transport : others) {
                    out.append(" | ").append(ratio(r.value(transport, workload, server, PER_CPU)
                        / r.value(first, workload, server, PER_CPU)));
                }
                for (String transport : others) {
                    out.append(" | ").append(ratio(r.value(transport, workload, server, "msgs_per_s")
                        / r.value(first, workload, server, "msgs_per_s")));
                }
                out.append(" |\n");
            }
        }
        out.append('\n');
    }

    private static String count(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%,.0f", value);
    }

    private static String ratio(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "-" : String.format(Locale.ROOT, "%.2f", value);
    }
}
