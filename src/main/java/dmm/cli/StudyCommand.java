package dmm.cli;

import dmm.lang.Interpreter;
import dmm.lang.Outcome;
import dmm.lang.Source;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code dmm study run FILE.dmm [args]} and {@code dmm study report RESULTS.jsonl [--metric m]
 * [--threshold x] [--plot file.png] [--log] [--runs m1,m2|all]}: the study forms as commands, for batch jobs and
 * {@code spark-submit}. Both go through the language ({@code run-study} is what the file calls;
 * the report is {@code study-report}), so a command and a form never differ.
 */
final class StudyCommand {
    private StudyCommand() {}

    static final String USAGE = """
            usage: dmm study run FILE.dmm [args...]
                   dmm study report RESULTS.jsonl [--metric M] [--threshold X] [--plot FILE.png] [--log]
                                    [--runs M1,M2,...|all]   (and every run on a row: a Markdown table)
            """;

    static int main(List<String> args, boolean debug, PrintStream out, PrintStream err) {
        if (args.isEmpty()) return usage(err, "study needs `run` or `report`");
        List<String> rest = args.subList(1, args.size());
        switch (args.get(0)) {
            case "run":
                if (rest.isEmpty()) return usage(err, "study run needs a file");
                return Main.runFile(Path.of(rest.get(0)), rest.subList(1, rest.size()), debug, out, err);
            case "report":
                return report(rest, debug, out, err);
            case "--help", "-h", "help":
                out.print(USAGE);
                return Main.OK;
            default:
                return usage(err, "unknown study command `" + args.get(0) + "`");
        }
    }

    private static int report(List<String> args, boolean debug, PrintStream out, PrintStream err) {
        if (args.isEmpty()) return usage(err, "study report needs a results file");
        StringBuilder form = new StringBuilder("(study-report ").append(quote(args.get(0)));
        for (int i = 1; i < args.size(); i++) {
            String flag = args.get(i);
            switch (flag) {
                case "--log" -> form.append(" :log true");
                case "--runs" -> {
                    if (i + 1 >= args.size()) return usage(err, "--runs needs metric names (a,b,c) or `all`");
                    String v = args.get(++i);
                    form.append(" :runs ").append(v.equals("all") ? "true" : quote(v));
                }
                case "--metric", "--plot", "--threshold" -> {
                    if (i + 1 >= args.size()) return usage(err, flag + " needs a value");
                    String v = args.get(++i);
                    if (flag.equals("--threshold")) {
                        try {
                            form.append(" :threshold ").append(Double.parseDouble(v));
                        } catch (NumberFormatException e) {
                            return usage(err, "--threshold needs a number, got `" + v + "`");
                        }
                    } else form.append(' ').append(':').append(flag.substring(2)).append(' ').append(quote(v));
                }
                default -> {
                    return usage(err, "unknown option `" + flag + "` of study report");
                }
            }
        }
        form.append(") nil");
        Interpreter interp = Toolkit.newInterpreter(out, debug);
        Outcome o = interp.run(Source.of("<dmm study report>", form.toString()), err, done -> {});
        out.flush();
        return o.status().code();
    }

    /** A string literal of the language. */
    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static int usage(PrintStream err, String message) {
        err.println("dmm: " + message);
        err.print(USAGE);
        return Main.USAGE;
    }
}
