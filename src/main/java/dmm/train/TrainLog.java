package dmm.train;

import dmm.vvalue.AtomicFile;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The record of a training run: one row per step, appended to a CSV file as it goes, and a
 * plot (loss on a log axis, soft-link count on a second axis) written next to it as PNG.
 */
public final class TrainLog {
    /** One training step. */
    public record Row(long step, double loss, double prereg, double l1, double lambda, int links, double lr, double seconds) {}

    static final String HEADER = "step,loss,prereg,l1,lambda,links,lr,seconds";

    private final List<Row> rows = new ArrayList<>();
    private final Path csv;
    private BufferedWriter writer;

    /** A log writing to {@code base.csv} and {@code base.png}, or only in memory when base is null. */
    public TrainLog(Path base) {
        this.csv = base == null ? null : base.resolveSibling(base.getFileName() + ".csv");
        if (csv != null) warmUpPlotting();
    }

    private static volatile boolean plottingReady;

    /**
     * Draws one empty chart in memory, once per JVM. Java2D registers JVM shutdown hooks when it
     * first draws text, which it cannot do once the JVM is shutting down — so the plot a training
     * run writes when a signal (SIGTERM, a closed terminal) stops it needs Java2D ready before.
     */
    private static void warmUpPlotting() {
        if (plottingReady) return;
        synchronized (TrainLog.class) {
            if (plottingReady) return;
            try {
                new TrainLog(null).chartPng(new ByteArrayOutputStream(), 8, 8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            plottingReady = true;
        }
    }

    public List<Row> rows() {
        return rows;
    }

    public Path plotPath() {
        return csv == null ? null : csv.resolveSibling(csv.getFileName().toString().replace(".csv", ".png"));
    }

    void add(Row r) {
        rows.add(r);
        if (csv == null) return;
        try {
            if (writer == null) {
                // append to the file a link names, and never to a device or directory
                Path file = AtomicFile.resolve(csv);
                Files.createDirectories(file.getParent());
                boolean fresh = !Files.exists(file) || Files.size(file) == 0;
                boolean cutShort = !fresh && !endsWithNewline(file);   // the last row of a killed run
                writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                if (fresh) {
                    writer.write(HEADER);
                    writer.newLine();
                } else if (cutShort) {
                    writer.newLine();
                }
            }
            // numbers round-trip exactly (the history is read back from this file on resume)
            writer.write(r.step + "," + r.loss + "," + r.prereg + "," + r.l1 + "," + r.lambda + "," + r.links + "," + r.lr + ","
                    + String.format(Locale.ROOT, "%.3f", r.seconds));
            writer.newLine();
            if (rows.size() % 50 == 0) writer.flush();
        } catch (IOException e) {
            throw new TrainingError("cannot write the training log " + csv + ": " + e.getMessage());
        }
    }

    private static boolean endsWithNewline(Path file) throws IOException {
        try (SeekableByteChannel ch = Files.newByteChannel(file)) {
            ch.position(ch.size() - 1);
            ByteBuffer b = ByteBuffer.allocate(1);
            return ch.read(b) == 1 && b.get(0) == '\n';
        }
    }

    /** Writes the rows so far to the CSV file (a checkpoint is never ahead of its log). */
    void flush() {
        if (writer == null) return;
        try {
            writer.flush();
        } catch (IOException e) {
            throw new TrainingError("cannot write the training log " + csv + ": " + e.getMessage());
        }
    }

    /** Forgets rows after {@code step} (after backtracking to a checkpoint). */
    void truncateAfter(long step) {
        rows.removeIf(r -> r.step > step);
    }

    /**
     * After a checkpoint of {@code step} was loaded: the rows in memory become the history that
     * led to that step, read back from the CSV file when there is one. The file is a record of
     * every step taken, trial steps that were later undone included (the sparsifier's judge, a
     * run killed after its last checkpoint): a row whose step is not above the one before it
     * marks such a return, and replaces the rows from that step on.
     */
    void resumeAt(long step) {
        List<Row> history = new ArrayList<>();
        if (csv != null && Files.isRegularFile(csv)) {
            try {
                List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    if (line.isBlank() || line.equals(HEADER)) continue;
                    Row r = parse(line);
                    if (r == null) continue;   // a row cut short by a kill (later rows may follow it)
                    while (!history.isEmpty() && history.get(history.size() - 1).step >= r.step) history.remove(history.size() - 1);
                    history.add(r);
                }
            } catch (IOException e) {
                throw new TrainingError("cannot read the training log " + csv + ": " + e.getMessage());
            }
        }
        history.removeIf(r -> r.step > step);
        rows.clear();
        rows.addAll(history);
    }

    private static Row parse(String line) {
        String[] f = line.split(",");
        if (f.length != 8) return null;
        try {
            return new Row(Long.parseLong(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                    Double.parseDouble(f[4]), Integer.parseInt(f[5]), Double.parseDouble(f[6]), Double.parseDouble(f[7]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Flushes the CSV and redraws the plot. */
    public void flushAndPlot() {
        if (csv == null) return;
        try {
            if (writer != null) writer.flush();
            writePlot(plotPath());
        } catch (IOException e) {
            throw new TrainingError("cannot write " + plotPath() + ": " + e.getMessage());
        }
    }

    /** Writes the loss curve and the soft-link count over steps as a PNG. */
    public void writePlot(Path png) throws IOException {
        AtomicFile.write(png, out -> chartPng(out, 900, 500));
    }

    private void chartPng(OutputStream out, int width, int height) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYSeries loss = new XYSeries("loss (prereg)"), total = new XYSeries("loss + penalty"), links = new XYSeries("soft links");
        for (Row r : rows) {
            if (r.prereg > 0) loss.add(r.step, r.prereg);
            if (r.loss > 0) total.add(r.step, r.loss);
            links.add(r.step, r.links);
        }
        XYSeriesCollection losses = new XYSeriesCollection();
        losses.addSeries(loss);
        losses.addSeries(total);
        NumberAxis stepAxis = new NumberAxis("step");
        LogarithmicAxis lossAxis = new LogarithmicAxis("loss");
        lossAxis.setAllowNegativesFlag(false);
        lossAxis.setStrictValuesFlag(false);
        lossAxis.setExpTickLabelsFlag(true);   // 1e-20, not a row of zeros, once the loss spans many decades
        XYLineAndShapeRenderer r1 = new XYLineAndShapeRenderer(true, false);
        r1.setSeriesPaint(0, new Color(0x1f77b4));
        r1.setSeriesPaint(1, new Color(0xaec7e8));
        XYPlot plot = new XYPlot(losses, stepAxis, lossAxis, r1);
        NumberAxis linkAxis = new NumberAxis("soft links");
        plot.setRangeAxis(1, linkAxis);
        plot.setDataset(1, new XYSeriesCollection(links));
        plot.mapDatasetToRangeAxis(1, 1);
        XYLineAndShapeRenderer r2 = new XYLineAndShapeRenderer(true, false);
        r2.setSeriesPaint(0, new Color(0xd62728));
        r2.setSeriesStroke(0, new BasicStroke(1.5f));
        plot.setRenderer(1, r2);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart("training", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.writeChartAsPNG(out, chart, width, height);
    }
}
