package dmm.cli;

import static org.junit.jupiter.api.Assertions.*;

import dmm.lang.EvalError;
import dmm.lang.Interpreter;
import dmm.lang.Outcome;
import dmm.lang.Source;
import dmm.repl.Repl;
import dmm.vvalue.VValue;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dmm run}, {@code dmm eval} and the REPL share one run path ({@link Interpreter#run}):
 * the same bad input gives the same report (place, line, caret, call trace) and the same status
 * in all three; only the source's name differs.
 */
class OneRunPathTest {
    private record Ran(int status, String out, String err) {}

    private static Ran main(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Ran(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Ran repl(String session) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        Interpreter interp = Toolkit.newInterpreter(new PrintStream(out, true, StandardCharsets.UTF_8), false);
        int status = Repl.piped(interp, new BufferedReader(new StringReader(session)), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Ran(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The reports of one line of source run by dmm run, dmm eval and the REPL, with the source's name as NAME. */
    private static Ran[] allThree(Path dir, String line) throws Exception {
        Path file = dir.resolve("bad.dmm");
        Files.writeString(file, line + "\n");
        Ran run = main("run", file.toString());
        Ran eval = main("eval", line);
        Ran repl = repl(line + "\n");
        return new Ran[] {
            new Ran(run.status(), run.out(), run.err().replace(file.toString(), "NAME")),
            new Ran(eval.status(), eval.out(), eval.err().replace("<eval>", "NAME")),
            new Ran(repl.status(), repl.out(), repl.err().replace("<repl:1>", "NAME")),
        };
    }

    @Test
    void aRuntimeErrorIsReportedAlikeWithItsCallTrace(@TempDir Path dir) throws Exception {
        String line = "(defn f [x] (/ x 0)) (defn g [x] (f x)) (g 1)";
        String expected = """
                NAME:1:13: division by zero
                    (defn f [x] (/ x 0)) (defn g [x] (f x)) (g 1)
                                ^
                  in f called at NAME:1:34
                  in g called at NAME:1:41
                """;
        for (Ran r : allThree(dir, line)) {
            assertEquals(expected, r.err());
            assertEquals(Main.RUNTIME, r.status());
            assertEquals("", r.out(), "no value is printed after an error");
        }
    }

    @Test
    void aSyntaxErrorIsReportedAlikeAndNothingRuns(@TempDir Path dir) throws Exception {
        String line = "(println \"ran\") (+ 1 \"a\\qb\")";
        String expected = """
                NAME:1:24: invalid escape `\\q` in string (allowed: \\" \\\\ \\n \\t \\r \\b \\f \\/ \\uXXXX)
                    (println "ran") (+ 1 "a\\qb")
                                           ^
                """;
        for (Ran r : allThree(dir, line)) {
            assertEquals(expected, r.err());
            assertEquals(Main.SYNTAX, r.status());
            assertEquals("", r.out(), "a syntax error anywhere means no form runs");
        }
    }

    @Test
    void anUnclosedFormIsReportedAlikeByRunAndEvalAndTheReplAtTheEndOfItsInput(@TempDir Path dir) throws Exception {
        // the REPL keeps reading while a bracket is open; at the end of its input it reports what the reader says
        String expected = """
                NAME:1:1: unclosed `(` opened at 1:1 (expected `)` before the end of input)
                    (+ 1 [2 3]
                    ^
                """;
        for (Ran r : allThree(dir, "(+ 1 [2 3]")) {
            assertEquals(expected, r.err());
            assertEquals(Main.SYNTAX, r.status());
        }
    }

    @Test
    void theValueOfTheLastFormIsWhatEvalAndTheReplPrint(@TempDir Path dir) throws Exception {
        Ran[] r = allThree(dir, "(def x 2) (* x 21)");
        assertEquals("", r[0].out(), "dmm run prints no value");
        assertEquals("42\n", r[1].out());
        assertEquals("42\n", r[2].out());
        for (Ran x : r) assertEquals(Main.OK, x.status());
        assertEquals("nil\n", main("eval", "; only a comment").out(), "as before: eval prints the value of nothing");
        assertEquals("", repl("; only a comment\n").out(), "the REPL prints nothing for a comment");
    }

    @Test
    void theOutcomeCarriesTheStatusTheValueAndTheReport() {
        Interpreter interp = new Interpreter();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        Outcome ok = interp.run(Source.of("t", "1 (+ 1 2)"), e, null);
        assertEquals(new Outcome(Outcome.Status.OK, VValue.of(3), 2, null), ok);
        Outcome bad = interp.run(Source.of("t", "(/ 1 0)"), e, null);
        assertEquals(Outcome.Status.RUNTIME_ERROR, bad.status());
        assertEquals("t:1:1: division by zero\n    (/ 1 0)\n    ^", bad.report());
        assertEquals(bad.report() + "\n", err.toString(StandardCharsets.UTF_8), "the report is written once, as returned");
        Outcome thenFailed = interp.run(Source.of("t", "1"), e, o -> {
            throw new EvalError("cannot print");
        });
        assertEquals(Outcome.Status.RUNTIME_ERROR, thenFailed.status(), "an error in `then` is reported like the source's own");
        assertEquals("error: cannot print", thenFailed.report());
        assertEquals(Main.OK, Outcome.Status.OK.code());
        assertEquals(Main.SYNTAX, Outcome.Status.SYNTAX_ERROR.code());
        assertEquals(Main.NO_INPUT, Outcome.Status.UNREADABLE.code());
        assertEquals(Main.RUNTIME, Outcome.Status.RUNTIME_ERROR.code());
        assertEquals(Main.RUNTIME, Outcome.Status.INTERRUPTED.code());
    }

    @Test
    void aFileThatCannotBeReadIsReportedAlikeByRunAndTheReplsLoad(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nope.dmm");
        Ran run = main("run", missing.toString());
        Ran load = repl(":load " + missing + "\n");
        assertEquals("dmm: cannot read " + missing + ": no such file\n", run.err());
        assertEquals(run.err(), load.err());
        assertEquals(Main.NO_INPUT, run.status());
        assertEquals(Main.NO_INPUT, load.status());
    }
}
