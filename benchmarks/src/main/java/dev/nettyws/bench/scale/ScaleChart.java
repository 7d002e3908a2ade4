package dev.nettyws.bench.scale;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * The charts of a {@link ClusterRun}: per node, the connections it held and its heap and RSS per idle connection;
 * and the delivery latency of the timed messages at percentiles. Two PNG files: {@code NAME.png} and
 * {@code NAME-latency.png}.
 */
final class ScaleChart {
    private static final double[] PERCENTILES = {50, 90, 99, 99.9, 100};

    private ScaleChart() {
    }

    static void write(Path file, ClusterRun.Summary summary, List<ClusterRun.NodeFigures> nodes, Histogram latency)
        throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        String name = file.toString();
        String base = name.endsWith(".png") ? name.substring(0, name.length() - 4) : name;
        String title = String.format(Locale.ROOT, "%,d members of one room on %d nodes + Redis (%,d held by the"
            + " nodes), %d client processes", summary.members(), nodes.size(), summary.held(),
            summary.clientProcesses());
        CategoryChart perNode = new CategoryChartBuilder().width(1000).height(520).title(title)
            .xAxisTitle("node (connections held)").yAxisTitle("bytes per idle connection").build();
        perNode.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        perNode.getStyler().setLabelsVisible(true);
        perNode.getStyler().setYAxisDecimalPattern("#,##0");
        List<String> x = new ArrayList<>();
        List<Double> heap = new ArrayList<>();
        List<Double> rss = new ArrayList<>();
        for (ClusterRun.NodeFigures node : nodes) {
            x.add(String.format(Locale.ROOT, "node %d (%,d)", node.node(), node.connections()));
            heap.add((double) Math.round(node.heapPerConnection()));
            rss.add((double) Math.round(node.rssPerConnection()));
        }
        perNode.addSeries("live heap after a full GC", x, heap);
        perNode.addSeries("RSS growth", x, rss);
        BitmapEncoder.saveBitmap(perNode, base, BitmapEncoder.BitmapFormat.PNG);

        CategoryChart delay = new CategoryChartBuilder().width(1000).height(520)
            .title(String.format(Locale.ROOT, "Delivery latency to %,d members, send to receipt (%,d deliveries);"
                + " %d lost, %d reordered", summary.members(), latency.getTotalCount(), summary.lost(),
                summary.reordered()))
            .xAxisTitle("percentile").yAxisTitle("ms").build();
        delay.getStyler().setLegendVisible(false);
        delay.getStyler().setLabelsVisible(true);
        List<String> percentiles = new ArrayList<>();
        List<Double> millis = new ArrayList<>();
        for (double p : PERCENTILES) {
            String label = p == Math.rint(p) ? Integer.toString((int) p) : Double.toString(p);
            percentiles.add(p == 100 ? "max" : "p" + label);
            millis.add(Math.round(latency.getValueAtPercentile(p) / 100.0) / 10.0);
        }
        delay.addSeries("latency", percentiles, millis);
        BitmapEncoder.saveBitmap(delay, base + "-latency", BitmapEncoder.BitmapFormat.PNG);
    }
}
