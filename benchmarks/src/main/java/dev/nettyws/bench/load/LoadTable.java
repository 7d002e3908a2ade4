package dev.nettyws.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Turns the CSV written by {@link LoadCommand} into Markdown tables of ratios, the form the README reports them in:
 * per transport, messages per server-CPU-second of every server side by side with ours and websocketx as a share of
 * the unframed byte echo (the ceiling) and ours against websocketx; then every server on every transport against
 * epoll. When a row was measured more than once, the last one counts. Prints the tables and writes them to a file.
 *
 * <p>Runs on the main thread; reads and writes files only.
 */
@Command(name = "load-table", mixinStandardHelpOptions = true,
    description = "Ratio tables (Markdown) from load CSV results.")
public final class LoadTable implements Callable<Integer> {
    private static final String[] SERVERS = {"ours", "netty", "raw", "bytes"};
    private static final String[] TRANSPORTS = {"epoll", "io_uring", "nio"};

    @Parameters(index = "0", description = "the CSV written by the load tool")
    private Path csv;

    @Option(names = "--out", description = "the Markdown file to write")
    private Path markdown;

    /** A CSV row by column name. */
    private static final class Row {
        private final Map<String, String> values = new LinkedHashMap<>();

        double number(String column) {
            String value = values.get(column);
            return value == null ? Double.NaN : Double.parseDouble(value);
        }
    }

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
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        List<String> header = Arrays.asList(lines.get(0).split(","));
        // transport -> workload -> server -> row
        Map<String, Map<String, Map<String, Row>>> rows = new LinkedHashMap<>();
        Set<String> workloads = new LinkedHashSet<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            Row row = new Row();
            String[] cells = line.split(",");
            for (int i = 0; i < cells.length && i < header.size(); i++) {
                row.values.put(header.get(i), cells[i]);
            }
            String workload = row.values.get("kind") + " " + size((int) row.number("size"));
            workloads.add(workload);
            rows.computeIfAbsent(row.values.getOrDefault("transport", "epoll"), k -> new LinkedHashMap<>())
                .computeIfAbsent(workload, k -> new LinkedHashMap<>()).put(row.values.get("server"), row);
        }
        StringBuilder out = new StringBuilder();
        for (String transport : TRANSPORTS) {
            if (rows.containsKey(transport)) {
                serversTable(out, transport, rows.get(transport), workloads);
            }
        }
        if (rows.size() > 1) {
            transportsTable(out, rows, workloads);
        }
        System.out.print(out);
        if (markdown != null) {
            Files.writeString(markdown, out.toString(), StandardCharsets.UTF_8);
            System.out.println("wrote " + markdown);
        }
        return 0;
    }

    private static void serversTable(StringBuilder out, String transport, Map<String, Map<String, Row>> byWorkload,
                                     Set<String> workloads) {
        out.append("Messages per server-CPU-second on ").append(transport).append(":\n\n")
            .append("| workload | ours | websocketx | raw (length prefix) | bytes (ceiling) | ours / bytes "
                + "| websocketx / bytes | raw / bytes | ours / websocketx | msgs/s ours / websocketx "
                + "| p99 µs ours / websocketx / bytes |\n")
            .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String workload : workloads) {
            Map<String, Row> servers = byWorkload.get(workload);
            if (servers == null) {
                continue;
            }
            double[] perCpu = new double[SERVERS.length];
            for (int i = 0; i < SERVERS.length; i++) {
                Row row = servers.get(SERVERS[i]);
                perCpu[i] = row == null ? Double.NaN : row.number("msgs_per_server_cpu_s");
            }
            out.append("| ").append(workload);
            for (double value : perCpu) {
                out.append(" | ").append(count(value));
            }
            out.append(" | ").append(ratio(perCpu[0] / perCpu[3]))
                .append(" | ").append(ratio(perCpu[1] / perCpu[3]))
                .append(" | ").append(ratio(perCpu[2] / perCpu[3]))
                .append(" | **").append(ratio(perCpu[0] / perCpu[1])).append("x**")
                .append(" | ")
                .append(ratio(value(servers, "ours", "msgs_per_s") / value(servers, "netty", "msgs_per_s")))
                .append("x | ").append(count(value(servers, "ours", "p99_us"))).append(" / ")
                .append(count(value(servers, "netty", "p99_us"))).append(" / ")
                .append(count(value(servers, "bytes", "p99_us"))).append(" |\n");
        }
        out.append('\n');
    }

    private static void transportsTable(StringBuilder out, Map<String, Map<String, Map<String, Row>>> rows,
                                        Set<String> workloads) {
        List<String> transports = new ArrayList<>();
        for (String transport : TRANSPORTS) {
            if (rows.containsKey(transport)) {
                transports.add(transport);
            }
        }
        out.append("Messages per server-CPU-second by transport (and msgs/s, which the one-core client bounds):\n\n")
            .append("| server | workload");
        for (String transport : transports) {
            out.append(" | ").append(transport);
        }
        for (String transport : transports.subList(1, transports.size())) {
            out.append(" | ").append(transport).append(" / ").append(transports.get(0));
        }
        for (String transport : transports.subList(1, transports.size())) {
            out.append(" | msgs/s ").append(transport).append(" / ").append(transports.get(0));
        }
        out.append(" |\n|---|---").append("|---:".repeat(3 * transports.size() - 2)).append("|\n");
        for (String server : SERVERS) {
            for (String workload : workloads) {
                double[] perCpu = new double[transports.size()];
                double[] perSecond = new double[transports.size()];
                boolean any = false;
                for (int i = 0; i < transports.size(); i++) {
                    Map<String, Row> servers = rows.get(transports.get(i)).get(workload);
                    perCpu[i] = servers == null ? Double.NaN : value(servers, server, "msgs_per_server_cpu_s");
                    perSecond[i] = servers == null ? Double.NaN : value(servers, server, "msgs_per_s");
                    any |= !Double.isNaN(perCpu[i]);
                }
                if (!any) {
                    continue;
                }
                out.append("| ").append(server).append(" | ").append(workload);
                for (double value : perCpu) {
                    out.append(" | ").append(count(value));
                }
                for (int i = 1; i < perCpu.length; i++) {
                    out.append(" | ").append(ratio(perCpu[i] / perCpu[0]));
                }
                for (int i = 1; i < perSecond.length; i++) {
                    out.append(" | ").append(ratio(perSecond[i] / perSecond[0]));
                }
                out.append(" |\n");
            }
        }
        out.append('\n');
    }

    private static double value(Map<String, Row> servers, String server, String column) {
        Row row = servers.get(server);
        return row == null ? Double.NaN : row.number(column);
    }

    private static String count(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%,.0f", value);
    }

    private static String ratio(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "-" : String.format(Locale.ROOT, "%.2f", value);
    }

    static String size(int bytes) {
        return bytes >= 1024 && bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " B";
    }
}
