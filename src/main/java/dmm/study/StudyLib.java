package dmm.study;

import dmm.lang.EvalError;
import dmm.lang.Interpreter;
import dmm.lang.Keyword;
import dmm.lang.Lib;
import dmm.lang.Options;
import dmm.lang.Printer;
import dmm.lang.Values;
import dmm.vvalue.VValue;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The language surface of studies: {@code study}, {@code run-study}, {@code study-result!}, {@code study-report}. */
public final class StudyLib extends Lib {
    private StudyLib(Interpreter interp) {
        super(interp);
    }

    public static void install(Interpreter interp) {
        new StudyLib(interp).builtins();
    }

    private void builtins() {
        fn("study-result!", "[metrics]", "Reports this run's result row to the study running it: a map of numbers, e.g. (study-result! {:links 14 :prereg 0.08}). A metric of value 0 drops out of the map (V-values have no zero leaves); the report counts a metric that other successful runs have and this one lacks as 0. Outside a study it only returns the map.", 1, 1, a -> {
            VValue m = Values.vvalue(a[0], "study-result!");
            if (m.childCount() == 0)
                throw new EvalError("study-result! takes a map of numbers, e.g. {:links 14 :prereg 0.08}; got " + Printer.describe(a[0]));
            Map<String, Double> metrics = new LinkedHashMap<>();
            for (int i = 0; i < m.childCount(); i++) {
                VValue x = m.childAt(i);
                if (x.childCount() != 0) throw new EvalError("study-result! takes a map of numbers; `" + m.keyAt(i) + "` is a map");
                if (!Double.isFinite(x.scalarPart())) throw new EvalError("study-result!: the metric `" + m.keyAt(i) + "` is " + x.scalarPart() + ", not a finite number");
                metrics.put(m.keyAt(i), x.scalarPart());
            }
            interp.extension(RunOne.Holder.class, RunOne.Holder::new).metrics = metrics;
            return a[0];
        });
        fn("study", "[name & options]", "A study: :program \"file.dmm\" run once per combination of :grid [:setting [values...] ...] (or per case of :cases [[name arg ...] ...], each standing for its arguments) and per seed of :seeds (e.g. (range 5)); :args [extra command-line arguments]. Each run gets --setting value for each setting (true as a bare --setting, false left out), then --seed S and --out DIR, in an interpreter of its own, and reports its row with study-result!.", 1, -1, a -> {
            String name = Values.name(a[0], "a study's name (a keyword, symbol or string)");
            Options o = Options.parse("study", a, 1, List.of("program", "grid", "cases", "seeds", "args"));
            if (!o.has("program")) throw new EvalError("study needs :program \"file.dmm\"");
            Map<String, List<Object>> grid = new LinkedHashMap<>();
            if (o.has("grid")) {
                List<?> g = Values.toSeq(o.get("grid"), "study :grid");
                if (g.size() % 2 != 0) throw new EvalError("study :grid takes pairs: [:setting [values...] ...]");
                for (int i = 0; i < g.size(); i += 2) {
                    List<Object> values = new ArrayList<>();
                    for (Object v : Values.toSeq(g.get(i + 1), "study :grid values")) values.add(setting(v));
                    String setting = Values.name(g.get(i), "a setting name");
                    if (grid.containsKey(setting)) throw new EvalError("study :grid names the setting `" + setting + "` twice");
                    grid.put(setting, values);
                }
            }
            Map<String, List<String>> cases = new LinkedHashMap<>();
            if (o.has("cases")) {
                for (Object c : Values.toSeq(o.get("cases"), "study :cases")) {
                    List<?> parts = Values.toSeq(c, "a study case ([name arg ...])");
                    if (parts.isEmpty()) throw new EvalError("a study case is [name arg ...], got an empty vector");
                    List<String> args = new ArrayList<>();
                    for (Object x : parts.subList(1, parts.size())) args.add(Printer.display(x));
                    String caseName = Values.name(parts.get(0), "a case name");
                    if (cases.containsKey(caseName)) throw new EvalError("study :cases has two cases named `" + caseName + "`");
                    cases.put(caseName, args);
                }
            }
            List<Long> seeds = new ArrayList<>();
            if (o.has("seeds")) for (Object s : Values.toSeq(o.get("seeds"), "study :seeds")) seeds.add(Values.toLong(s, "study :seeds"));
            else seeds.add(1L);
            List<String> extra = new ArrayList<>();
            if (o.has("args")) for (Object x : Values.toSeq(o.get("args"), "study :args")) extra.add(Printer.display(x));
            try {
                return new Study(name, Path.of(o.string("program", null)), grid, seeds, extra, cases);
            } catch (IllegalArgumentException e) {
                throw new EvalError("study: " + e.getMessage());
            }
        });
        fn("run-study", "[study & options]", "Runs a study's pending runs (those without a successful row in the results file), :workers at a time (default: the number of cores), each in an interpreter of its own; rows go to :out DIR/results.jsonl (default runs/NAME) as runs finish, each run's output to DIR/RUN/. Ctrl-C stops it; running it again does the rest. :backend \"spark\" runs each run as a Spark job instead (:master, default local[workers]; :log-level, Spark's own, default WARN; the driver writes every row, one per run; same rows). Each row records where it ran, :executor ID@HOST. Returns the results file's path.", 1, -1, a -> {
            if (!(a[0] instanceof Study s)) throw new EvalError("run-study expects a study (made by (study ...)), got " + Printer.describe(a[0]));
            Options o = Options.parse("run-study", a, 1, List.of("workers", "out", "backend", "master", "log-level"));
            Path root = Path.of(o.string("out", "runs/" + s.name()));
            ResultFile file = new ResultFile(root.resolve("results.jsonl"));
            double w = o.number("workers", Runtime.getRuntime().availableProcessors());
            if (!(w >= 1 && w <= MAX_WORKERS) || w != Math.rint(w))
                throw new EvalError("run-study :workers is a whole number from 1 to " + MAX_WORKERS + ", got " + Printer.print(o.get("workers")));
            int workers = (int) w;
            String backend = o.string("backend", "local");
            List<Result> rows;
            try {
                switch (backend) {
                    case "local" -> rows = new LocalRunner(s, file, root, workers, interp.out(), interp.cancelToken()).run();
                    case "spark" -> {
                        if (!sparkOnClasspath())
                            throw new EvalError("run-study :backend \"spark\" needs Apache Spark, which the dmm launcher does not bundle: "
                                    + "run ./dmm --with-spark run FILE.dmm (Maven resolves Spark's jars once), or the dmm jar with spark-submit, "
                                    + "or use the local backend");
                        rows = new SparkRunner(s, file, root, o.string("master", "local[" + workers + "]"), o.string("log-level", "WARN"), interp.out()).run();
                    }
                    default -> throw new EvalError("run-study :backend is \"local\" or \"spark\", got " + Printer.print(o.get("backend")));
                }
            } catch (IOException e) {
                throw new EvalError("run-study: cannot use " + root + ": " + Values.whyNotWritten(e, e instanceof FileSystemException f
                        && f.getFile() != null ? f.getFile() : root.toString()));
            } catch (IllegalArgumentException e) {
                throw new EvalError("run-study: " + e.getMessage());
            }
            if (!rows.isEmpty() && rows.stream().noneMatch(Result::ok))
                throw new EvalError("run-study: every one of the " + rows.size() + " runs failed; the first: " + rows.get(0).run() + ": "
                        + rows.get(0).errorLine() + " (each run's output is in " + root + "/RUN/)");
            return file.path().toString();
        });
        fn("study-report", "[results-file & options]", "Prints per-setting summaries of a study's results (runs ok and failed; per metric the median, quartiles, min and max over seeds) and returns them as a string. Options: :metric m and :threshold x count the runs with m <= x; :plot \"file.png\" draws a box per setting for :metric with a dot per run (:log true for a log scale); :runs [:links :seconds] (or \"links,seconds\", or true for every metric) adds every run on a row of its own, a Markdown table of its setting, seed, outcome (a failed run's first error line) and those metrics.", 1, -1, a -> {
            Options o = Options.parse("study-report", a, 1, List.of("metric", "threshold", "plot", "log", "runs"));
            ResultFile file = new ResultFile(Path.of(Values.toKey(a[0], null)));
            if (!Files.isRegularFile(file.path()))
                throw new EvalError("study-report: " + file.path() + (Files.isDirectory(file.path()) ? " is a directory; give its results.jsonl" : " does not exist"));
            try {
                Report r = Report.of(file, interp.out()::println);
                String metric = o.has("metric") ? o.string("metric", null) : null;
                if (metric != null && !r.metricNames().contains(metric))
                    throw new EvalError("study-report: no successful run reports the metric `" + metric + "`; the metrics are "
                            + (r.metricNames().isEmpty() ? "none" : String.join(", ", r.metricNames())));
                String table = r.table(o.has("threshold") ? metric : null, o.number("threshold", 0));
                List<String> perRun = runMetrics(o.get("runs"), r);
                if (perRun != null) table += "\n" + r.runsTable(perRun);
                interp.out().print(table);
                if (o.has("plot")) {
                    if (metric == null) throw new EvalError("study-report :plot needs :metric");
                    Path png = Path.of(o.string("plot", null));
                    try {
                        r.plot(metric, png, o.flag("log", false));
                    } catch (IOException e) {
                        throw new EvalError("study-report: cannot write the plot " + png + ": " + Values.whyNotWritten(e, png.toString()));
                    }
                }
                return table;
            } catch (IOException e) {
                throw new EvalError("study-report: cannot read " + file.path() + ": " + e.getMessage());
            }
        });
    }

    /** The metrics of :runs — a list of names, a comma-separated string, or true for all; null when not asked. */
    private static List<String> runMetrics(Object runs, Report r) {
        if (runs == null || Boolean.FALSE.equals(runs)) return null;
        if (Boolean.TRUE.equals(runs)) return List.copyOf(r.metricNames());
        List<String> names = new ArrayList<>();
        if (runs instanceof String text) {
            for (String part : text.split(",")) if (!part.isBlank()) names.add(part.strip());
        } else for (Object x : Values.toSeq(runs, "study-report :runs (a list of metric names, \"a,b\" or true)"))
            names.add(Values.name(x, "study-report :runs: a metric name"));
        for (String n : names)
            if (!r.metricNames().contains(n))
                throw new EvalError("study-report :runs: no successful run reports the metric `" + n + "`; the metrics are "
                        + (r.metricNames().isEmpty() ? "none" : String.join(", ", r.metricNames())));
        return names;
    }

    /**
     * True when Spark's classes are on the classpath (the launcher's jar leaves them out). Asked here,
     * not of {@link SparkRunner}: loading that class needs Spark, so asking it was an internal error.
     */
    static boolean sparkOnClasspath() {
        try {
            Class.forName("org.apache.spark.api.java.JavaSparkContext", false, StudyLib.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** More workers than this is a typo, not a machine. */
    static final int MAX_WORKERS = 1024;

    private static Object setting(Object v) {
        if (v instanceof Boolean || v instanceof String) return v;
        if (v instanceof Keyword k) return k.name();
        if (Values.isVValue(v)) return Values.toDouble(v, "a setting value");
        throw new EvalError("a setting value is a number, a string or a boolean, got " + Printer.describe(v));
    }
}
