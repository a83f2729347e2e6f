package dmm.repl;

import static org.junit.jupiter.api.Assertions.*;

import dmm.lang.Interpreter;
import dmm.bind.MachineLib;
import dmm.bind.TrainLib;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.jline.reader.EOFError;
import org.jline.reader.Parser;
import org.jline.terminal.impl.DumbTerminal;
import org.jline.utils.AttributedString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplTest {
    private final Interpreter interp = new Interpreter();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    ReplTest() {
        MachineLib.install(interp);
        TrainLib.install(interp);
        interp.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    private int piped(String session) throws Exception {
        return Repl.piped(interp, new BufferedReader(new StringReader(session)), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void balanceIgnoresBracketsInStringsAndComments() {
        assertTrue(FormParser.complete("(f \"(\" 1)"));
        assertFalse(FormParser.complete("(f \"x)\""));
        assertFalse(FormParser.complete("(f \"unclosed"));
        assertTrue(FormParser.complete("(f \"a \\\" ( b\")"));
        assertFalse(FormParser.complete("(f \"a \\\"\" ("));
        assertTrue(FormParser.complete("(f) ; (comment"));
        assertFalse(FormParser.complete("(f ; )\n"));
        assertTrue(FormParser.complete("#| ( |# (g)"));
        assertFalse(FormParser.complete("#| never closed ("));
        assertTrue(FormParser.complete("(f))"), "too many closers is complete: the reader reports it");
        assertTrue(FormParser.complete("{:a [1 2]}"));
        assertFalse(FormParser.complete("{:a [1 2}"));
    }

    @Test
    void balanceFollowsTheGrammarsTokens() {
        // brackets, quotes and comment marks inside strings and comments are not tokens
        assertTrue(FormParser.complete("(f \"#|\" \";\" \"]\")"));
        assertTrue(FormParser.complete("(f \"a\\\\\")"), "an escaped backslash before the closing quote");
        assertFalse(FormParser.complete("(f \"a\\\")"), "an escaped quote does not close the string");
        assertTrue(FormParser.complete("#| \" ( |# (g) ; \" ["));
        assertTrue(FormParser.complete("#| a || b |# (g)"));
        assertTrue(FormParser.complete("(f #_ (g) 1)"));
        assertFalse(FormParser.complete("(f #_ (g"));
        assertTrue(FormParser.complete("(f @ 1)"), "a stray character is skipped: the reader reports it");
        assertTrue(FormParser.complete("(f \"a\\qb"), "a malformed escape is reported at once: no more input can fix it");
        FormParser.Open open = FormParser.Open.at("(f [\"x\" ; ]\n\"y");
        assertEquals(new FormParser.Open(2, true, false), open);
        assertEquals(0, open.indentLevels());
        assertEquals(new FormParser.Open(1, false, true), FormParser.Open.at("(f #| \"(\" |"));
        assertEquals(new FormParser.Open(3, false, false), FormParser.Open.at("({[ \"]})\" #| ) |#"));
    }

    @Test
    void parserAsksForMoreWhileAFormIsOpen() {
        FormParser p = new FormParser();
        assertThrows(EOFError.class, () -> p.parse("(defn f [x]", 11, Parser.ParseContext.ACCEPT_LINE));
        assertThrows(EOFError.class, () -> p.parse("(str \"a)", 8, Parser.ParseContext.ACCEPT_LINE));
        assertDoesNotThrow(() -> p.parse("(defn f [x] x)", 14, Parser.ParseContext.ACCEPT_LINE));
        assertDoesNotThrow(() -> p.parse(":load foo(", 10, Parser.ParseContext.ACCEPT_LINE));
        var words = p.parse("(link! net accum.dict-1 <- in", 29, Parser.ParseContext.COMPLETE);
        assertEquals("in", words.word());
        assertEquals("accum.dict-1", words.words().get(words.wordIndex() - 2));
    }

    @Test
    void scriptedSessionKeepsStateAcrossErrorsWithMultilineInputAndHistoryValues() throws Exception {
        int status = piped("""
                (def x
                  {:a 1
                   :b 2})
                (+ x undefined-name)
                (+ x {:a 1})
                *1
                (get *2 :a)
                *e
                """);
        assertEquals(0, status, "status of the last input");
        String o = out();
        assertTrue(o.contains("#'x"), o);
        assertTrue(o.contains("{:a 2 :b 2}\n{:a 2 :b 2}\n2\n"), o);
        assertTrue(err().contains("<repl:2>:1:6: unknown name `undefined-name`"), err());
        assertTrue(o.contains("\"<repl:2>:1:6: unknown name `undefined-name`"), "*e holds the last error: " + o);
    }

    @Test
    void exitStatusIsTheLastInputs() throws Exception {
        assertEquals(70, piped("(+ 1 2)\n(/ 1 0)\n"));
        assertEquals(65, piped("(+ 1 2))\n"));
        assertEquals(0, piped("(/ 1 0)\n(+ 1 2)\n"));
    }

    @Test
    void commands(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("defs.dmm");
        Files.writeString(f, "(defn greet \"Says hello.\" [n] (str \"hello \" n))\n");
        int status = piped(":load " + f + "\n(greet \"dmm\")\n:doc greet\n:source greet\n:help\n:nope\n");
        assertEquals(70, status);
        assertTrue(out().contains("loaded " + f), out());
        assertTrue(out().contains("\"hello dmm\""));
        assertTrue(out().contains("greet [n]\n  Says hello."), out());
        assertTrue(out().contains("(defn greet \"Says hello.\" [n] (str \"hello \" n))"));
        assertTrue(out().contains(":reload"));
        assertTrue(err().contains("unknown command :nope"));
        Repl repl = new Repl(interp, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, repl.handle(":load " + f));
        Files.writeString(f, "(defn greet \"Says hi.\" [n] (str \"hi \" n))\n");
        assertEquals(0, repl.handle(":reload"));
        assertEquals(0, repl.handle("(greet \"again\")"));
        assertTrue(out().contains("\"hi again\""));
        assertEquals(0, piped(":quit\n(greet \"never\")\n"));
        assertFalse(out().contains("never"));
    }

    @Test
    void completionOffersNamesCommandsAndNeuronFields() throws Exception {
        piped("(require lite)\n(def d (duplicate-detector \"ab\"))\n(def d (run d 3))\n");
        Completion c = new Completion(interp);
        Set<String> names = c.candidates("(max", "max");
        assertTrue(names.containsAll(Set.of("max", "max-norm")), names.toString());
        assertTrue(c.candidates("(def", "def").containsAll(Set.of("def", "defn", "defneuron", "defnet")));
        assertEquals(Set.of(":reload"), c.candidates(":rel", ":rel"));
        assertTrue(c.candidates("(link! d acc", "acc").contains("accum."), c.candidates("(link! d acc", "acc").toString());
        Set<String> fields = c.candidates("(link! d accum.", "accum.");
        assertTrue(fields.containsAll(Set.of("accum.dict-1", "accum.dict-2", "accum.dict")), fields.toString());
        assertTrue(Completion.inFileContext("(load \"exa"));
        assertTrue(Completion.inFileContext(":load exa"));
        assertFalse(Completion.inFileContext("(str \"exa"));
        assertTrue(Completion.inFileContext("(load-matrix net \"docs/res"));
        assertFalse(Completion.inFileContext("(load-matrix net \"docs/res\" "));
    }

    @Test
    void highlightingMarksStringsNumbersKeywordsCommentsAndUnknownNames() {
        interp.eval("t", "(def known 1)");
        Highlighting h = new Highlighting(interp);
        String text = "(defn f [x] (+ known x missing \"s\" 2 :k)) ; note";
        AttributedString a = h.highlight(text);
        assertEquals(text, a.toString());
        assertEquals(Highlighting.SPECIAL, a.styleAt(text.indexOf("defn")));
        assertEquals(Highlighting.KNOWN, a.styleAt(text.indexOf("known")));
        assertEquals(Highlighting.UNKNOWN, a.styleAt(text.indexOf("missing")));
        assertNotEquals(Highlighting.UNKNOWN, a.styleAt(text.indexOf("x missing")), "parameters are not unknown names");
        assertEquals(Highlighting.STRING, a.styleAt(text.indexOf("\"s\"")));
        assertEquals(Highlighting.NUMBER, a.styleAt(text.indexOf(" 2 ") + 1));
        assertEquals(Highlighting.KEYWORD, a.styleAt(text.indexOf(":k")));
        assertEquals(Highlighting.COMMENT, a.styleAt(text.indexOf("; note") + 2));
        assertEquals("(str \"unterminated", h.highlight("(str \"unterminated").toString());
    }

    @Test
    void highlightingTakesCommentsAndOpenStringsFromTheLexer() {
        Highlighting h = new Highlighting(interp);
        String text = "(f \"a ; b\" #| c \" |# \"d\" 1) ; z";
        AttributedString a = h.highlight(text);
        assertEquals(text, a.toString());
        assertEquals(Highlighting.STRING, a.styleAt(text.indexOf("; b")), "a semicolon inside a string is not a comment");
        assertEquals(Highlighting.COMMENT, a.styleAt(text.indexOf("c \"")));
        assertEquals(Highlighting.COMMENT, a.styleAt(text.indexOf("|#")));
        assertEquals(Highlighting.COMMENT, a.styleAt(text.indexOf("; z") + 2));
        String bad = "(f \"d\\qe\")";
        assertEquals(Highlighting.UNKNOWN, h.highlight(bad).styleAt(bad.indexOf("\\q")), "a malformed escape is marked as an error");
        String open = "(g \"x (y\n #| z";
        AttributedString b = h.highlight(open);
        assertEquals(Highlighting.STRING, b.styleAt(open.indexOf("(y")));
        assertEquals(Highlighting.STRING, b.styleAt(open.indexOf("z")), "the block comment mark is inside the open string");
        String comment = "(g #| open \"comment";
        assertEquals(Highlighting.COMMENT, h.highlight(comment).styleAt(comment.indexOf("comment")));
        String local = "(defneuron acc \"Sums.\" in (+ in 1)) (neuron inputs (get inputs :x))";
        AttributedString c = h.highlight(local);
        assertNotEquals(Highlighting.UNKNOWN, c.styleAt(local.indexOf("in (")), "the whole-map input of defneuron is local");
        assertNotEquals(Highlighting.UNKNOWN, c.styleAt(local.indexOf("inputs :x")), "and of neuron");
    }

    @Test
    void fileCompletionKnowsStringsByTheLexer() {
        assertTrue(Completion.inFileContext("(load \"a\\\"b"), "an escaped quote stays inside the path string");
        assertFalse(Completion.inFileContext("(str \"(load \\\"x"), "a file form written inside a string is not a call");
        assertTrue(Completion.inFileContext("(do (load-matrix net [1 2] \""));
        assertFalse(Completion.inFileContext("(load [\"x"));
        assertFalse(Completion.inFileContext("(load ; \"x"), "a quote in a comment opens no string");
    }

    @Test
    void continuationLinesAreIndentedByOpenBracketsButNotInsideAString() {
        FormParser p = new FormParser();
        EOFError brackets = assertThrows(EOFError.class, () -> p.parse("(defn f [x]\n  (let [y", 22, Parser.ParseContext.ACCEPT_LINE));
        assertEquals(3, brackets.getOpenBrackets());
        EOFError string = assertThrows(EOFError.class, () -> p.parse("(def s \"ab", 10, Parser.ParseContext.ACCEPT_LINE));
        assertEquals(0, string.getOpenBrackets(), "inside a string, indentation would become part of the string");
        assertEquals("\"", string.getMissing());
        EOFError closed = assertThrows(EOFError.class, () -> p.parse("(def s \"ab\ncd\"", 14, Parser.ParseContext.ACCEPT_LINE));
        assertEquals(1, closed.getOpenBrackets(), "after the string closes, the open bracket indents again");
        EOFError comment = assertThrows(EOFError.class, () -> p.parse("(f #| note", 10, Parser.ParseContext.ACCEPT_LINE));
        assertEquals("|#", comment.getMissing());
        assertEquals(1, comment.getOpenBrackets());
    }

    @Test
    void aMultiLineStringTypedAtTheReplHoldsExactlyTheTypedText() throws Exception {
        String typed = "(def s \"ab\n  cd\nef\")\n(defn g [x]\n(str x \"\n\"))\n:quit\n";
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        try (DumbTerminal t = new DumbTerminal("test", "dumb", new ByteArrayInputStream(typed.getBytes(StandardCharsets.UTF_8)),
                screen, StandardCharsets.UTF_8)) {
            Repl.interactive(interp, t, Files.createTempFile("dmm-history", ""), "test");
        }
        assertEquals("ab\n  cd\nef", interp.eval("test", "s"), screen.toString(StandardCharsets.UTF_8));
        assertEquals("x\n", interp.eval("test", "(g \"x\")"), "the string opened on an indented line gets no indentation either");
    }

    @Test
    void interactiveSessionOnADumbTerminal() throws Exception {
        String typed = "(defn twice [x]\n(* 2 x))\n(twice 21)\n(twice \"no\")\n(twice 4)\n:quit\n";
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        try (DumbTerminal t = new DumbTerminal("test", "dumb", new ByteArrayInputStream(typed.getBytes(StandardCharsets.UTF_8)),
                screen, StandardCharsets.UTF_8)) {
            Repl.interactive(interp, t, Files.createTempFile("dmm-history", ""), "test");
        }
        String s = screen.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains("#'twice"), s);
        assertTrue(s.contains("dmm> 42\n"), s);
        assertTrue(s.contains("* expects a V-value, got the string \"no\""), s);
        assertTrue(s.contains("dmm> 8\n"), s);
        assertTrue(s.indexOf("dmm> 42\n") < s.indexOf("expects a V-value") && s.indexOf("expects a V-value") < s.indexOf("dmm> 8\n"),
                "values and the error in the order typed, the session going on after the error: " + s);
    }
}
