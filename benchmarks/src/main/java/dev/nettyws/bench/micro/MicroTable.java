package dev.nettyws.bench.micro;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a JMH JSON result file ({@code -rf json}) of this suite into one Markdown table that puts ours and Netty
 * side by side: benchmark, size, ours ops/s, Netty ops/s, ratio (ours / Netty), and bytes allocated per operation
 * by each (JMH's {@code -prof gc} metric {@code gc.alloc.rate.norm}; "n/a" when the run had no GC profiler).
 *
 * <p>A pair is the {@code ours} and {@code netty} methods of one benchmark class with the same parameters; the
 * {@code size} parameter gets its own column, the others are appended to the benchmark name. Below the table, the
 * micro benchmark targets of issue 17 and where this run stands against them: decoding at most 24 B/op from 16 B to
 * 16 KiB, masked encoding at least 1.0x Netty at 16 and 128 B.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.nettyws.bench.micro.MicroTable result.json [table.md]}. Runs on the
 * main thread; reads and writes files only.
 */
public final class MicroTable {
    private MicroTable() {
    }

    /** One side of a pair. */
    private static final class Score {
        double opsPerSecond = Double.NaN;
        double error = Double.NaN;
        double bytesPerOp = Double.NaN;
    }

    /** One row: ours and Netty for one benchmark and size. */
    private static final class Row {
        final String benchmark;
        final String size;
        final Score ours = new Score();
        final Score netty = new Score();

        Row(String benchmark, String size) {
            this.benchmark = benchmark;
            this.size = size;
        }
    }

    /**
     * Prints the table, and writes it to the second argument when given.
     *
     * @param args the JSON file, and optionally the Markdown file to write
     * @throws IOException if a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: MicroTable <jmh-result.json> [table.md]");
            System.exit(2);
        }
        String table = render(new ObjectMapper().readTree(new File(args[0])));
        System.out.print(table);
        if (args.length > 1) {
            Files.writeString(Path.of(args[1]), table, StandardCharsets.UTF_8);
        }
    }

    /**
     * Renders the table for a parsed JMH result.
     *
     * @param results the JSON array JMH wrote
     * @return Markdown, one line per row, ending with a newline
     */
    public static String render(JsonNode results) {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (JsonNode result : results) {
            String name = result.get("benchmark").asText();
            int dot = name.lastIndexOf('.');
            String method = name.substring(dot + 1);
            String benchmark = name.substring(name.lastIndexOf('.', dot - 1) + 1, dot).replace("Benchmark", "");
            String size = "";
            List<String> others = new ArrayList<>();
            JsonNode params = result.get("params");
            if (params != null) {
                for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> param = it.next();
                    if (param.getKey().equals("size")) {
                        size = param.getValue().asText();
                    } else {
                        others.add(param.getKey() + "=" + param.getValue().asText());
                    }
                }
            }
            if (!others.isEmpty()) {
                benchmark += " " + String.join(" ", others);
            }
            Row row = rows.computeIfAbsent(benchmark + "|" + size, k -> new Row(k.substring(0, k.indexOf('|')),
                k.substring(k.indexOf('|') + 1)));
            Score score = method.equals("ours") ? row.ours : row.netty;
            JsonNode primary = result.get("primaryMetric");
            score.opsPerSecond = primary.get("score").asDouble();
            score.error = primary.get("scoreError").asDouble();
            score.bytesPerOp = allocation(result.get("secondaryMetrics"));
        }
        StringBuilder out = new StringBuilder();
        out.append("| benchmark | size | ours ops/s | Netty ops/s | ours/Netty | ours B/op | Netty B/op |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (Row row : rows.values()) {
            out.append("| ").append(row.benchmark)
                .append(" | ").append(size(row.size))
                .append(" | ").append(ops(row.ours.opsPerSecond))
                .append(" | ").append(ops(row.netty.opsPerSecond))
                .append(" | ").append(ratio(row.ours.opsPerSecond, row.netty.opsPerSecond))
                .append(" | ").append(bytes(row.ours.bytesPerOp))
                .append(" | ").append(bytes(row.netty.bytesPerOp))
                .append(" |\n");
        }
        targets(out, rows.values());
        return out.toString();
    }

    /** The micro targets of issue 17, for the rows this run has. */
    private static void targets(StringBuilder out, Iterable<Row> rows) {
        double decodeWorst = Double.NaN;
        double nettyDecode = Double.NaN;
        List<String> masked = new ArrayList<>();
        for (Row row : rows) {
            boolean small = !row.size.isEmpty() && Integer.parseInt(row.size) <= 16384;
            if (row.benchmark.startsWith("Decode") && small && !Double.isNaN(row.ours.bytesPerOp)) {
                decodeWorst = Double.isNaN(decodeWorst) ? row.ours.bytesPerOp : Math.max(decodeWorst,
                    row.ours.bytesPerOp);
                nettyDecode = Double.isNaN(nettyDecode) ? row.netty.bytesPerOp : Math.max(nettyDecode,
                    row.netty.bytesPerOp);
            }
            if (row.benchmark.equals("Encode masked=true") && (row.size.equals("16") || row.size.equals("128"))) {
                masked.add(size(row.size) + " " + ratio(row.ours.opsPerSecond, row.netty.opsPerSecond));
            }
        }
        out.append("\nTargets (issue 17):\n");
        if (!Double.isNaN(decodeWorst)) {
            out.append(String.format(Locale.ROOT, "- decode 16 B - 16 KiB: at most %.0f B/op (target <= 24; Netty"
                + " %.0f): %s%n", decodeWorst, nettyDecode, decodeWorst <= 24.5 ? "met" : "missed"));
        }
        if (!masked.isEmpty()) {
            boolean met = masked.stream().allMatch(m -> Double.parseDouble(m.substring(m.lastIndexOf(' ') + 1,
                m.length() - 1)) >= 1.0);
            out.append("- masked encode vs Netty: ").append(String.join(", ", masked)).append(" (target >= 1.00x): ")
                .append(met ? "met" : "missed").append('\n');
        }
    }

    /** The GC profiler's normalised allocation rate; its name had a leading "·" before JMH 1.37. */
    private static double allocation(JsonNode secondary) {
        if (secondary == null) {
            return Double.NaN;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = secondary.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> metric = it.next();
            if (metric.getKey().endsWith("gc.alloc.rate.norm")) {
                return metric.getValue().get("score").asDouble();
            }
        }
        return Double.NaN;
    }

    private static String size(String bytes) {
        if (bytes.isEmpty()) {
            return "-";
        }
        int n = Integer.parseInt(bytes);
        return n >= 1 << 20 && n % (1 << 20) == 0 ? n / (1 << 20) + " MiB"
            : n >= 1024 && n % 1024 == 0 ? n / 1024 + " KiB" : n + " B";
    }

    private static String ops(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%,.0f", value);
    }

    private static String ratio(double ours, double netty) {
        return Double.isNaN(ours) || Double.isNaN(netty) ? "n/a" : String.format(Locale.ROOT, "%.2fx", ours / netty);
    }

    private static String bytes(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%,.0f", value);
    }
}
