package dev.nettyws.bench.push;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;

/**
 * The chart of the push benchmark: bytes on the wire per delivered message by transport, one series per number of
 * clients and rate, on a logarithmic axis (polling's figures are an order of magnitude above the others'). Drawn
 * from a run's results, or from the CSV the runs append to (the last row of each transport, clients and rate).
 */
final class PushChart {
    private PushChart() {
    }

    /** One point: a transport, a load, bytes per delivered message. */
    record Point(String transport, String load, double bytesPerMessage) {
    }

    static List<Point> points(List<PushResult> results) {
        List<Point> points = new ArrayList<>();
        for (PushResult r : results) {
            if (r.delivered() > 0) {
                points.add(new Point(r.transport(), load(r.clients(), r.rate()), r.bytesPerMessage()));
            }
        }
        return points;
    }

    /** The points of a CSV written by {@link PushCommand}: the last row of each transport, clients and rate. */
    static List<Point> points(Path csv) throws IOException {
        Map<String, Point> last = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(csv);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            String load = load(Integer.parseInt(f[2]), Integer.parseInt(f[3]));
            last.put(f[1] + '/' + load, new Point(f[1], load, Double.parseDouble(f[10]) + Double.parseDouble(f[11])));
        }
        return new ArrayList<>(last.values());
    }

    static void write(List<Point> points, Path file) throws IOException {
        Set<String> transports = new LinkedHashSet<>();
        Set<String> loads = new LinkedHashSet<>();
        for (Point p : points) {
            transports.add(p.transport());
            loads.add(p.load());
        }
        CategoryChart chart = new CategoryChartBuilder().width(1100).height(560)
            .title("Bytes on the wire per delivered message (both directions, log scale)")
            .xAxisTitle("transport (+hdrs: with a browser's request headers)")
            .yAxisTitle("bytes per delivered message").build();
        chart.getStyler().setYAxisLogarithmic(true);
        // Bars cannot be drawn on a logarithmic axis (they start at zero): markers.
        chart.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(11);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        // Every series spans every transport (the chart needs that); a transport not measured at a load is a gap.
        List<String> x = new ArrayList<>(transports);
        for (String load : loads) {
            List<Double> y = new ArrayList<>();
            for (String transport : transports) {
                Double value = null;
                for (Point p : points) {
                    if (p.transport().equals(transport) && p.load().equals(load)) {
                        value = p.bytesPerMessage();
                    }
                }
                y.add(value);
            }
            chart.addSeries(load, x, y);
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        String name = file.toString();
        BitmapEncoder.saveBitmap(chart, name.endsWith(".png") ? name.substring(0, name.length() - 4) : name,
            BitmapEncoder.BitmapFormat.PNG);
    }

    private static String load(int clients, int rate) {
        return PushCommand.format("%,d clients, %d msg/s", clients, rate);
    }
}
