// The pictures in bench/results.md, drawn headless with XChart from what Bench measured.

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.ToDoubleFunction;

final class Charts {
    private static final List<String> CLIENTS = List.of(Clients.SCRIPTS, Clients.JNATS, Clients.TUNED, Clients.C);
    /** One colour per client in every chart; publish solid with circles, pull dashed with squares, wall-clock dotted. */
    private static final Map<String, Color> COLORS = Map.of(Clients.SCRIPTS, new Color(0x1f77b4),
            Clients.JNATS, new Color(0x2ca02c), Clients.TUNED, new Color(0xff7f0e), Clients.C, new Color(0xd62728));

    private Charts() {
    }

    static void draw(Path dir, String suffix, Map<String, Map<Clients.Work, Measure.Summary>> results,
                     List<Integer> windows, List<Integer> batches, List<Integer> counts, int count) throws Exception {
        System.setProperty("java.awt.headless", "true");
        XYChart window = chart("Publish: msgs/s against PubAcks in flight (" + String.format("%,d", count) + " messages, self-timed)",
                "window (PubAcks in flight)", "msgs/s");
        XYChart batch = chart("Pull + ack: msgs/s against batch size (" + String.format("%,d", count) + " messages, self-timed)",
                "batch size", "msgs/s");
        for (String client : CLIENTS) {
            series(window, client, windows, w -> Bench.pub(count, w), results.get(client), Measure.Summary::selfRate);
            series(batch, client, batches, b -> Bench.pull(count, b), results.get(client), Measure.Summary::selfRate);
        }
        save(window, dir.resolve("throughput-window" + suffix));
        save(batch, dir.resolve("throughput-batch" + suffix));

        XYChart growth = chart("msgs/s against message count (publish window 1000, pull batch 500)", "messages", "msgs/s");
        XYChart memory = chart("Peak RSS of the client process against message count", "messages", "MiB");
        for (String client : List.of(Clients.SCRIPTS, Clients.JNATS, Clients.C)) {
            Map<Clients.Work, Measure.Summary> of = results.get(client);
            series(growth, client + ", publish", counts, n -> Bench.pub(n, 1000), of, Measure.Summary::selfRate);
            series(growth, client + ", pull", counts, n -> Bench.pull(n, 500), of, Measure.Summary::selfRate);
            series(memory, client + ", publish", counts, n -> Bench.pub(n, 1000), of, Measure.Summary::peakRssMib);
            series(memory, client + ", pull", counts, n -> Bench.pull(n, 500), of, Measure.Summary::peakRssMib);
        }
        Map<Clients.Work, Measure.Summary> scripts = results.get(Clients.SCRIPTS);
        series(growth, "lab scripts, publish, wall-clock", counts, n -> Bench.pub(n, 1000), scripts, Measure.Summary::wallRate);
        series(growth, "lab scripts, pull, wall-clock", counts, n -> Bench.pull(n, 500), scripts, Measure.Summary::wallRate);
        save(growth, dir.resolve("throughput-count" + suffix));
        save(memory, dir.resolve("rss-count" + suffix));
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart chart = new XYChartBuilder().width(1150).height(520).title(title).xAxisTitle(x).yAxisTitle(y).build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisDecimalPattern("#,###");
        chart.getStyler().setXAxisDecimalPattern("#,###");
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        return chart;
    }

    /** One line: the clients' medians at each x where this client has a figure. */
    private static void series(XYChart chart, String name, List<Integer> xs, IntFunction<Clients.Work> work,
                               Map<Clients.Work, Measure.Summary> results, ToDoubleFunction<Measure.Summary> y) {
        if (results == null) {
            return;
        }
        List<Double> xData = new ArrayList<>();
        List<Double> yData = new ArrayList<>();
        for (int x : xs) {
            Measure.Summary summary = results.get(work.apply(x));
            if (summary != null) {
                xData.add((double) x);
                yData.add(y.applyAsDouble(summary));
            }
        }
        if (!xData.isEmpty()) {
            XYSeries series = chart.addSeries(name, xData, yData);
            series.setMarker(SeriesMarkers.CIRCLE);
            COLORS.entrySet().stream().filter(e -> name.startsWith(e.getKey())).findFirst().ifPresent(e -> {
                series.setLineColor(e.getValue());
                series.setMarkerColor(e.getValue());
            });
            if (name.endsWith("wall-clock")) {
                series.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f, new float[]{1f, 5f}, 0f));
                series.setMarker(SeriesMarkers.DIAMOND);
            } else if (name.contains(", pull")) {
                series.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[]{12f, 6f}, 0f));
                series.setMarker(SeriesMarkers.SQUARE);
            } else {
                series.setLineStyle(new BasicStroke(2f));
            }
        }
    }

    private static void save(XYChart chart, Path withoutExtension) throws Exception {
        BitmapEncoder.saveBitmap(chart, withoutExtension.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
