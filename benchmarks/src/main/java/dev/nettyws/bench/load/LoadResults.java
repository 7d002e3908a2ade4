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
import java.util.Map;
import java.util.Set;

/**
 * The rows of a CSV written by {@link LoadCommand}, grouped by transport, workload (kind and size) and server; a
 * measurement repeated in the file ({@code REPEAT} in {@code scripts/bench-load.sh}) reads as the median of its
 * runs, column by column, which is what a loaded two-core machine needs. Files without a transport column read as
 * epoll.
 *
 * <p>Immutable after {@link #read}; used from one thread.
 */
final class LoadResults {
    private final Map<String, Map<String, Map<String, List<Map<String, String>>>>> rows = new LinkedHashMap<>();
    private final Set<String> workloads = new LinkedHashSet<>();

    private LoadResults() {
    }

    /**
     * Reads a CSV file.
     *
     * @param csv the file
     * @return its rows, grouped
     * @throws IOException if it cannot be read
     */
    static LoadResults read(Path csv) throws IOException {
        LoadResults results = new LoadResults();
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        List<String> header = Arrays.asList(lines.get(0).split(","));
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, String> row = new LinkedHashMap<>();
            String[] cells = line.split(",");
            for (int i = 0; i < cells.length && i < header.size(); i++) {
                row.put(header.get(i), cells[i]);
            }
            String workload = row.get("kind") + " " + size(Integer.parseInt(row.get("size")));
            results.workloads.add(workload);
            results.rows.computeIfAbsent(row.getOrDefault("transport", "epoll"), k -> new LinkedHashMap<>())
                .computeIfAbsent(workload, k -> new LinkedHashMap<>())
                .computeIfAbsent(row.get("server"), k -> new ArrayList<>()).add(row);
        }
        return results;
    }

    /** The transports in the file, in the order first seen. */
    List<String> transports() {
        return new ArrayList<>(rows.keySet());
    }

    /** The workloads ({@code "binary 32 B"}) in the file, in the order first seen. */
    List<String> workloads() {
        return new ArrayList<>(workloads);
    }

    /** The servers measured on a transport, in the order first seen. */
    List<String> servers(String transport) {
        Set<String> servers = new LinkedHashSet<>();
        rows.getOrDefault(transport, Map.of()).values().forEach(byServer -> servers.addAll(byServer.keySet()));
        return new ArrayList<>(servers);
    }

    /** How many runs a measurement has (0 if none). */
    int runs(String transport, String workload, String server) {
        return runsOf(transport, workload, server).size();
    }

    /**
     * A column of a measurement: the median over its runs.
     *
     * @return the value, or NaN when that measurement or column is missing
     */
    double value(String transport, String workload, String server, String column) {
        List<Double> values = new ArrayList<>();
        for (Map<String, String> row : runsOf(transport, workload, server)) {
            String cell = row.get(column);
            if (cell != null) {
                values.add(Double.parseDouble(cell));
            }
        }
        if (values.isEmpty()) {
            return Double.NaN;
        }
        values.sort(null);
        int middle = values.size() / 2;
        return values.size() % 2 == 1 ? values.get(middle) : (values.get(middle - 1) + values.get(middle)) / 2;
    }

    private List<Map<String, String>> runsOf(String transport, String workload, String server) {
        return rows.getOrDefault(transport, Map.of()).getOrDefault(workload, Map.of()).getOrDefault(server,
            List.of());
    }

    /** {@code 1024} is {@code "1 KiB"}, {@code 32} is {@code "32 B"}. */
    static String size(int bytes) {
        return bytes >= 1024 && bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " B";
    }
}
