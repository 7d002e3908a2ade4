package dev.nettyws.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * per server, for one transport ({@code --transport}; the first in the file by default). Repeated runs count by
 * their median ({@link LoadResults}).
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

    @Option(names = "--transport", description = "the transport whose rows to chart (default: the first in the file)")
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
        LoadResults results = LoadResults.read(csv);
        String shown = transport != null ? transport : results.transports().get(0);
        String prefix = (title.isEmpty() ? "" : title + ", ") + shown + ": ";
        List<CategoryChart> charts = List.of(
            chart(prefix + "messages/s (higher is better)", "msgs/s", "msgs_per_s", results, shown),
            chart(prefix + "messages per server CPU second", "msgs / CPU s", "msgs_per_server_cpu_s", results, shown),
            chart(prefix + "round trip p99 (lower is better)", "microseconds", "p99_us", results, shown));
        if (png.getParent() != null) {
            Files.createDirectories(png.getParent());
        }
        BitmapEncoder.saveBitmap(new ArrayList<>(charts), 1, charts.size(), png.toString(),
            BitmapEncoder.BitmapFormat.PNG);
        System.out.println("wrote " + png);
        return 0;
    }

    private static CategoryChart chart(String title, String yTitle, String column, LoadResults results,
                                       String transport) {
        CategoryChart chart = new CategoryChartBuilder().width(560).height(420).title(title)
            .xAxisTitle("workload").yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        chart.getStyler().setChartTitleFont(chart.getStyler().getChartTitleFont().deriveFont(12f));
        List<String> categories = results.workloads();
        for (String server : results.servers(transport)) {
            List<Double> values = new ArrayList<>();
            for (String category : categories) {
                double value = results.value(transport, category, server, column);
                values.add(Double.isNaN(value) ? 0.0 : value);
            }
            chart.addSeries(server.equals("netty") ? "websocketx" : server, categories, values);
        }
        return chart;
    }
}
