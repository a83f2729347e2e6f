package dmm.bench;

import dmm.vvalue.AtomicFile;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The scaling table as a log-log plot: step time against links × window. */
final class ScalingPlot {
    private ScalingPlot() {}

    static void write(List<double[]> rows, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYSeries measured = new XYSeries("step time"), linear = new XYSeries("linear in links × T");
        double[] first = rows.get(0);
        for (double[] r : rows) {
            double x = r[0] * r[1];
            measured.add(x, r[2]);
            linear.add(x, first[2] * x / (first[0] * first[1]));
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(measured);
        data.addSeries(linear);
        LogarithmicAxis xAxis = new LogarithmicAxis("soft links × window (cycles)");
        LogarithmicAxis yAxis = new LogarithmicAxis("median step time (ms)");
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
        r.setSeriesLinesVisible(1, true);
        r.setSeriesShapesVisible(1, false);
        r.setSeriesPaint(0, new Color(0x1f77b4));
        r.setSeriesPaint(1, Color.GRAY);
        XYPlot plot = new XYPlot(data, xAxis, yAxis, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart("dmm bench: scaling of one training step", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        AtomicFile.write(png, out -> ChartUtils.writeChartAsPNG(out, chart, 800, 500));
    }
}
