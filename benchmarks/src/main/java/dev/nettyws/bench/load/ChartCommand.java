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
import java.util.concurrent.Callable;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Renders the CSV written by {@link LoadCommand} as one PNG with three bar charts side by side: messages per
 * second, messages per server-CPU-second, and p99 latency, one group of bars per workload (kind and size), one bar
 * per server, for one transport ({@code --transport}; the first in the file by default). When a workload was run
 * more than once for a server, the last row counts.
 *
 * <p>Runs headless on the main thread; reads and writes files only.
 */
@Command(name = "chart", mixinStandardHelpOptions = true, description = "Renders load CSV results as a PNG chart.")
public final class ChartCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "the CSV written by the load tool")
    private Path csv;

    @Option(names = "--out", required = true, description = "the PNG to write")
    private Path png;

    @Option(names = "--title", defaultValue = "", description = "a line prepended to every chart title")
    private String title;

    @Option(names = "--transport", description = "the transport whose rows to chart (default: the first row's)")
    private String transport;

    /**
     * Renders a chart.
     *
     * @param args see {@code --help}
     */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new ChartCommand()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        List<String> header = Arrays.asList(lines.get(0).split(","));
        Map<String, Map<String, String[]>> byServer = new LinkedHashMap<>();
        Set<String> workloads = new LinkedHashSet<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] row = line.split(",");
            int transportColumn = header.indexOf("transport");
            if (transportColumn >= 0) {
                if (transport == null) {
                    transport = row[transportColumn];
                }
                if (!transport.equals(row[transportColumn])) {
                    continue;
                }
            }
            String workload = row[header.indexOf("kind")] + " " + LoadTable.size(
                Integer.parseInt(row[header.indexOf("size")]));
            workloads.add(workload);
            byServer.computeIfAbsent(row[header.indexOf("server")], k -> new LinkedHashMap<>()).put(workload, row);
        }
        List<String> categories = new ArrayList<>(workloads);
        String prefix = (title.isEmpty() ? "" : title + ", ") + (transport == null ? "" : transport) + ": ";
        List<CategoryChart> charts = List.of(
            chart(prefix + "messages/s (higher is better)", "msgs/s", "msgs_per_s", header, byServer, categories),
            chart(prefix + "messages per server CPU second", "msgs / CPU s", "msgs_per_server_cpu_s", header, byServer,
                categories),
            chart(prefix + "round trip p99 (lower is better)", "microseconds", "p99_us", header, byServer,
                categories));
        if (png.getParent() != null) {
            Files.createDirectories(png.getParent());
        }
        BitmapEncoder.saveBitmap(new ArrayList<>(charts), 1, charts.size(), png.toString(),
            BitmapEncoder.BitmapFormat.PNG);
        System.out.println("wrote " + png);
        return 0;
    }

    private static CategoryChart chart(String title, String yTitle, String column, List<String> header,
                                       Map<String, Map<String, String[]>> byServer, List<String> categories) {
        CategoryChart chart = new CategoryChartBuilder().width(560).height(420).title(title)
            .xAxisTitle("workload").yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        chart.getStyler().setChartTitleFont(chart.getStyler().getChartTitleFont().deriveFont(12f));
        int index = header.indexOf(column);
        for (Map.Entry<String, Map<String, String[]>> server : byServer.entrySet()) {
            List<Double> values = new ArrayList<>();
            for (String category : categories) {
                String[] row = server.getValue().get(category);
                values.add(row == null ? 0.0 : Double.parseDouble(row[index]));
            }
            chart.addSeries(server.getKey(), categories, values);
        }
        return chart;
    }
}
