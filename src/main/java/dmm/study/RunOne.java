package dmm.study;

import dmm.bind.Bindings;
import dmm.cancel.Cancelled;
import dmm.lang.DmmException;
import dmm.lang.Interpreter;
import dmm.lang.Outcome;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One run of a study: a fresh interpreter (nothing shared with other runs), the run's settings
 * as command-line arguments, the program loaded, the row it reported with {@code study-result!}.
 * Its printed output goes to {@code OUT/output.txt}; its row names this machine as its executor
 * (the Spark backend replaces that with the Spark executor's id and host).
 */
final class RunOne {
    /** Where {@code study-result!} leaves the row, one per interpreter. */
    static final class Holder {
        volatile Map<String, Double> metrics;
    }

    private RunOne() {}

    /** Where the local backend runs, as a row's {@code executor}: {@code local@} this machine's host name. */
    static final String LOCAL = "local@" + hostName();

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /**
     * Runs {@code run} and returns its row (a failure is a row too). {@code started} receives the
     * run's interpreter so that a caller can cancel it; a cancelled run throws {@link Cancelled}.
     */
    static Result execute(Study study, Study.Run run, Path outRoot, Consumer<Interpreter> started) {
        long t0 = System.nanoTime();
        Path out = outRoot.resolve(safe(run.id()));
        Interpreter interp = new Interpreter();
        Bindings.install(interp);
        StudyLib.install(interp);
        try (OutputStream file = openOutput(out); PrintStream ps = new PrintStream(file, true, StandardCharsets.UTF_8)) {
            interp.setOut(ps);
            interp.define("*command-line-args*", List.copyOf(run.args(out, study.extraArgs())), "The run's settings as arguments.");
            interp.define("*file*", study.program().toString(), "The file being run.");
            started.accept(interp);
            // the one run path of dmm run: the same report, in the run's output too
            Outcome o = interp.runFile(study.program(), ps, null);
            if (o.status() == Outcome.Status.INTERRUPTED) throw new Cancelled();
            if (o.status() != Outcome.Status.OK) return failed(study, run, o.report(), t0, out);
            Map<String, Double> m = interp.extension(Holder.class, Holder::new).metrics;
            if (m == null)
                return failed(study, run, "the program reported no result: call (study-result! {:metric value ...}) at its end", t0, out);
            return new Result(study.name(), run.id(), run.settings(), run.seed(), true, m, null, seconds(t0), out.toString(), LOCAL);
        } catch (Cancelled c) {
            throw c;
        } catch (DmmException e) {
            return failed(study, run, e.report(), t0, out);
        } catch (IOException e) {
            return failed(study, run, "cannot write the run's output in " + out + ": " + e.getMessage(), t0, out);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            return failed(study, run, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), t0, out);
        }
    }

    private static OutputStream openOutput(Path out) throws IOException {
        Files.createDirectories(out);
        return Files.newOutputStream(out.resolve("output.txt"));
    }

    private static Result failed(Study study, Study.Run run, String error, long t0, Path out) {
        return new Result(study.name(), run.id(), run.settings(), run.seed(), false, new LinkedHashMap<>(), error, seconds(t0), out.toString(), LOCAL);
    }

    private static double seconds(long t0) {
        return Math.round((System.nanoTime() - t0) / 1e6) / 1e3;
    }

    /** A run id as a folder name. */
    static String safe(String id) {
        return id.replaceAll("[^A-Za-z0-9._=,+-]", "_");
    }
}
