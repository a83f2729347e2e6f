package dmm.study;

import dmm.vvalue.AtomicFile;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.renderer.category.BoxAndWhiskerRenderer;
import org.jfree.chart.renderer.category.ScatterRenderer;
import org.jfree.data.statistics.BoxAndWhiskerCalculator;
import org.jfree.data.statistics.BoxAndWhiskerItem;
import org.jfree.data.statistics.DefaultBoxAndWhiskerCategoryDataset;
import org.jfree.data.statistics.DefaultMultiValueCategoryDataset;

/**
 * What a study found: per setting, the runs that finished and failed and, per metric, the
 * median, quartiles, minimum and maximum over the seeds; optionally how many runs reached a
 * threshold; and, when asked, every run on a row of its own (a Markdown table, for a README).
 * Plots: one box per setting for a metric, PNG.
 */
public final class Report {
    /** Summary statistics of one metric over one setting's successful runs. */
    public record Stats(int n, double min, double q1, double median, double q3, double max) {
        static Stats of(List<Double> xs) {
            double[] v = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return new Stats(v.length, v[0], quantile(v, 0.25), quantile(v, 0.5), quantile(v, 0.75), v[v.length - 1]);
        }

        /** Linear interpolation between order statistics (the usual "type 7" quantile). */
        static double quantile(double[] sorted, double q) {
            double pos = q * (sorted.length - 1);
            int lo = (int) Math.floor(pos), hi = (int) Math.ceil(pos);
            return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
        }
    }

    /** One setting's runs. */
    public record Group(String setting, int ok, int failed, Map<String, List<Double>> metrics) {}

    private final List<Group> groups;
    /** Each run's last row, by setting and then seed. */
    private final List<Result> runs;

    private Report(List<Group> groups, List<Result> runs) {
        this.groups = groups;
        this.runs = runs;
    }

    /** The report of a results file (the last row of each run counts: a rerun replaces a failure). */
    public static Report of(ResultFile file) throws IOException {
        return of(file, warning -> {});
    }

    /** {@link #of(ResultFile)}, telling {@code warn} about the lines and values it leaves out. */
    public static Report of(ResultFile file, Consumer<String> warn) throws IOException {
        Map<String, Result> lastByRun = new LinkedHashMap<>();
        for (Result r : file.read(warn)) lastByRun.put(r.study() + "\u0000" + r.run(), r);
        // A V-value has no zero leaves, so a run that reports {:pass 0 :links 11} reports {:links 11}:
        // a metric other successful runs report and this one lacks is 0 here.
        Set<String> names = new LinkedHashSet<>();
        for (Result r : lastByRun.values()) if (r.ok()) names.addAll(r.metrics().keySet());
        Map<String, int[]> counts = new LinkedHashMap<>();
        Map<String, Map<String, List<Double>>> metrics = new LinkedHashMap<>();
        for (Result r : lastByRun.values()) {
            String setting = Study.label(r.settings());
            counts.computeIfAbsent(setting, k -> new int[2])[r.ok() ? 0 : 1]++;
            Map<String, List<Double>> m = metrics.computeIfAbsent(setting, k -> new LinkedHashMap<>());
            if (r.ok())
                for (String k : names) {
                    double x = r.metrics().getOrDefault(k, 0.0);
                    if (Double.isFinite(x)) m.computeIfAbsent(k, y -> new ArrayList<>()).add(x);
                    else warn.accept("run " + r.run() + ": the metric `" + k + "` is " + x + "; left out of the summaries");
                }
        }
        List<Group> groups = new ArrayList<>();
        counts.forEach((s, c) -> groups.add(new Group(s, c[0], c[1], metrics.get(s))));
        List<String> order = new ArrayList<>(counts.keySet());
        List<Result> runs = new ArrayList<>(lastByRun.values());
        runs.sort(Comparator.comparingInt((Result r) -> order.indexOf(Study.label(r.settings()))).thenComparingLong(Result::seed));
        return new Report(groups, runs);
    }

    public List<Group> groups() {
        return groups;
    }

    /** Every metric name, in first-seen order. */
    public Set<String> metricNames() {
        Set<String> names = new LinkedHashSet<>();
        for (Group g : groups) names.addAll(g.metrics().keySet());
        return names;
    }

    /**
     * The summary table: per setting and metric, n, median, [q1, q3], min–max; with a threshold
     * on a metric, how many successful runs are at or below it.
     */
    public String table(String thresholdMetric, double threshold) {
        StringBuilder sb = new StringBuilder();
        for (Group g : groups) {
            sb.append(g.setting()).append(String.format(Locale.ROOT, ": %d ok, %d failed", g.ok(), g.failed()));
            if (thresholdMetric != null && g.metrics().containsKey(thresholdMetric)) {
                long hits = g.metrics().get(thresholdMetric).stream().filter(x -> x <= threshold).count();
                sb.append(String.format(Locale.ROOT, ", %d with %s <= %s", hits, thresholdMetric, Study.format(threshold)));
            }
            sb.append('\n');
            for (Map.Entry<String, List<Double>> e : g.metrics().entrySet()) {
                Stats s = Stats.of(e.getValue());
                sb.append(String.format(Locale.ROOT, "  %-14s median %-10s [%s, %s]  min %s  max %s  (n %d)%n", e.getKey(), num(s.median()),
                        num(s.q1()), num(s.q3()), num(s.min()), num(s.max()), s.n()));
            }
        }
        return sb.toString();
    }

    /**
     * Every run on a row of its own, a Markdown table: its setting (when the study has more than
     * one), seed, outcome and the given metrics, by setting and then seed. A successful run that
     * does not report a metric shows 0 (as in the summaries); a failed run shows the first line
     * of its error and no metrics.
     */
    public String runsTable(List<String> metrics) {
        boolean settings = groups.size() > 1;
        StringBuilder sb = new StringBuilder("|");
        if (settings) sb.append(" setting |");
        sb.append(" seed | outcome |");
        for (String m : metrics) sb.append(' ').append(m).append(" |");
        sb.append('\n').append("|---".repeat((settings ? 3 : 2) + metrics.size())).append("|\n");
        for (Result r : runs) {
            sb.append('|');
            if (settings) sb.append(' ').append(Study.label(r.settings())).append(" |");
            sb.append(' ').append(r.seed()).append(" | ");
            if (r.ok()) {
                sb.append("ok |");
                for (String m : metrics) sb.append(' ').append(num(r.metrics().getOrDefault(m, 0.0))).append(" |");
            } else {
                String why = r.errorLine().strip();
                sb.append("failed").append(why.isEmpty() ? "" : ": " + why.replace("|", "\\|")).append(" |");
                sb.append(" |".repeat(metrics.size()));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Four significant digits, without trailing zeros. */
    static String num(double x) {
        String s = String.format(Locale.ROOT, "%.4g", x);
        if (s.contains("e") || !s.contains(".")) return s;
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** A box plot of one metric, one box per setting, every run a dot over it (PNG, written atomically); log scale when asked. */
    public void plot(String metric, Path png, boolean log) throws IOException {
        JFreeChart chart = chart(metric, log);
        AtomicFile.write(png, out -> ChartUtils.writeChartAsPNG(out, chart, Math.max(600, 200 * groups.size()), 450));
    }

    /**
     * The plot's chart: the box (median, quartiles, whiskers) summarises a setting, and each run's
     * value is drawn as a dot on top, so a study of six seeds shows its six results — the exact run
     * and the failed one included, which a box alone hides as outliers beyond the axis range.
     */
    JFreeChart chart(String metric, boolean log) {
        DefaultBoxAndWhiskerCategoryDataset boxes = new DefaultBoxAndWhiskerCategoryDataset();
        DefaultMultiValueCategoryDataset runs = new DefaultMultiValueCategoryDataset();
        for (Group g : groups) {
            List<Double> xs = g.metrics().get(metric);
            if (xs == null || xs.isEmpty()) continue;
            List<Double> values = log ? xs.stream().map(x -> Math.log10(Math.max(x, 1e-300))).toList() : xs;
            BoxAndWhiskerItem box = BoxAndWhiskerCalculator.calculateBoxAndWhiskerStatistics(values);
            boxes.add(new BoxAndWhiskerItem(box.getMean(), box.getMedian(), box.getQ1(), box.getQ3(), box.getMinRegularValue(),
                    box.getMaxRegularValue(), box.getMinOutlier(), box.getMaxOutlier(), List.of()), metric, g.setting());   // the dots draw the outliers
            runs.add(values, "runs", g.setting());
        }
        System.setProperty("java.awt.headless", "true");
        JFreeChart chart = ChartFactory.createBoxAndWhiskerChart(metric + " by setting", "setting", log ? "log10 " + metric : metric, boxes, false);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        BoxAndWhiskerRenderer r = (BoxAndWhiskerRenderer) plot.getRenderer();
        r.setMeanVisible(false);   // median, quartiles and whiskers; a mean of five seeds says little
        r.setMaximumBarWidth(0.12);
        r.setMinOutlierVisible(false);
        r.setMaxOutlierVisible(false);
        r.setSeriesPaint(0, new Color(0xA8BCDD));
        ScatterRenderer dots = new ScatterRenderer();
        dots.setUseSeriesOffset(false);
        dots.setSeriesPaint(0, new Color(0x1F3A68));
        dots.setSeriesShape(0, new Ellipse2D.Double(-3.5, -3.5, 7, 7));
        plot.setDataset(1, runs);
        plot.setRenderer(1, dots);
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);   // dots over the boxes
        plot.getDomainAxis().setMaximumCategoryLabelWidthRatio(2.0f);
        return chart;
    }

    @Override
    public String toString() {
        return table(null, 0);
    }
}
