package dmm.cli;

import static org.junit.jupiter.api.Assertions.*;

import dmm.lang.Builtin;
import dmm.lang.Closure;
import dmm.lang.Interpreter;
import dmm.lang.Printer;
import dmm.lang.SpecialForm;
import dmm.lang.Var;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The README's tour and the built-in reference are checked against the running system. */
class DocsTest {
    /**
     * Every line {@code expr ;=> expected} in a ```dmm block of README.md is evaluated in one
     * interpreter, in order, and must print as expected.
     */
    @Test
    void readmeTourExamplesEvaluateAsShown() throws Exception {
        Interpreter interp = Toolkit.newInterpreter(new PrintStream(new ByteArrayOutputStream()), false);
        List<String> lines = Files.readAllLines(Path.of("README.md"));
        boolean inBlock = false;
        int checked = 0;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.startsWith("```")) {
                inBlock = l.equals("```dmm");
                continue;
            }
            if (!inBlock || !l.contains(";=>")) continue;
            String expr = l.substring(0, l.indexOf(";=>")).trim(), expected = l.substring(l.indexOf(";=>") + 3).trim();
            String actual = Printer.print(interp.eval("README.md:" + (i + 1), expr));
            assertEquals(expected, actual, "README.md line " + (i + 1) + ": " + expr);
            checked++;
        }
        assertTrue(checked >= 20, "found only " + checked + " checked lines");
    }

    static String builtinsReference() {
        Interpreter interp = Toolkit.newInterpreter(new PrintStream(new ByteArrayOutputStream()), false);
        interp.require("std");
        interp.require("lite");
        interp.require("train");
        interp.require("args");
        interp.require("detector");
        interp.require("repair");
        interp.require("restarts");
        StringBuilder sb = new StringBuilder("# Built-ins and library definitions\n\n"
                + "Generated from the docstrings by `DocsTest` (run `mvn test -Dtest=DocsTest -Ddmm.updateDocs=true` after changing one).\n\n"
                + "## Special forms\n\nWhat `(doc name)` prints for each.\n\n");
        for (String name : new TreeSet<>(interp.specialForms())) {
            SpecialForm.Doc d = interp.specialFormDoc(name);
            sb.append("### `").append(name).append("`\n\n```\n").append(d.usage()).append("\n").append(d.text()).append("\n```\n\n");
        }
        sb.append("## Functions\n\n| name | parameters | doc |\n|---|---|---|\n");
        for (Map.Entry<String, Var> e : interp.boundVars().entrySet()) {
            Object v = e.getValue().get();
            String params = v instanceof Builtin b ? b.params() : v instanceof Closure c ? c.params() : "";
            if (!(v instanceof Builtin) && !(v instanceof Closure)) continue;
            sb.append("| `").append(e.getKey()).append("` | `").append(params.replace("|", "\\|")).append("` | ")
                    .append(clean(e.getValue().doc())).append(" |\n");
        }
        sb.append("\n## Neuron types (`(require std)`, `(require lite)`)\n\n| name | inputs | doc |\n|---|---|---|\n");
        for (Map.Entry<String, Var> e : interp.neuronTypes().entrySet()) {
            Closure c = (Closure) e.getValue().get();
            sb.append("| `").append(e.getKey()).append("` | `").append(c.params()).append("` | ").append(clean(e.getValue().doc())).append(" |\n");
        }
        return sb.toString();
    }

    private static String clean(String doc) {
        if (doc == null) return "";
        return doc.replace("|", "\\|").replaceAll("\\s*\\n\\s*", " ");
    }

    /** Every special form, the core ones and those of the machine, has a usage and a real docstring. */
    @Test
    void everySpecialFormHasItsUsageAndDocstring() {
        Interpreter interp = Toolkit.newInterpreter(new PrintStream(new ByteArrayOutputStream()), false);
        assertTrue(interp.specialForms().containsAll(List.of("def", "defn", "fn", "let", "if", "when", "when-not", "cond", "do",
                "quote", "and", "or", "loop", "recur", "dotimes", "doseq", "load", "require", "doc", "time", "assert", "defneuron",
                "neuron", "defnet", "network", "link", "unlink", "fragment", "link!", "unlink!")), interp.specialForms().toString());
        for (String name : interp.specialForms()) {
            SpecialForm.Doc d = interp.specialFormDoc(name);
            assertNotNull(d, name);
            assertTrue(d.usage().startsWith("(" + name + " ") || d.usage().equals("(" + name + ")"), name + ": " + d.usage());
            assertTrue(d.text().length() >= 40, name + " has a docstring of a sentence at least: " + d.text());
            String text = interp.docText(name);
            assertEquals(name + " — special form\n  " + d.usage() + "\n  " + d.text().replace("\n", "\n  "), text);
        }
    }

    @Test
    void docOfDefnetPrintsItsSyntaxSectionsAndExample() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Interpreter interp = Toolkit.newInterpreter(new PrintStream(out, true, StandardCharsets.UTF_8), false);
        interp.eval("test", "(doc defnet)");
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(interp.docText("defnet") + "\n", printed, "(doc defnet) prints its entry");
        assertTrue(printed.startsWith("defnet — special form\n  (defnet name \"doc\"? sections...)\n  Builds a network and binds it"), printed);
        for (String section : List.of("(neurons name type, ...)", "(links to.field <- w? from.field ...)", "(hard to.field <- w? from.field ...)",
                "(accumulators [in <- out]? name ...)", "(self neuron field?)", "(init name value, ...)"))
            assertTrue(printed.contains("\n    " + section + "\n"), section + " in:\n" + printed);
        assertTrue(printed.endsWith("\n    (output (run counter 4) 'acc)   ;=> {:single 3}\n"), printed);
    }

    /**
     * The example that ends a special form's docstring (its last lines indented by two spaces)
     * runs, and each form in it followed by {@code ;=> expected} prints as expected. Each form
     * gets a fresh interpreter with the standard neurons and a network {@code net} of two
     * accumulators a and b.
     */
    @Test
    void specialFormExamplesEvaluateAsDocumented() {
        int checked = 0;
        Interpreter any = Toolkit.newInterpreter(new PrintStream(new ByteArrayOutputStream()), false);
        for (String name : new TreeSet<>(any.specialForms())) {
            List<String> lines = List.of(any.specialFormDoc(name).text().split("\n"));
            int start = lines.size();
            while (start > 0 && lines.get(start - 1).startsWith("  ")) start--;
            List<String> chunks = new ArrayList<>();
            for (String l : lines.subList(start, lines.size())) {
                boolean continues = !chunks.isEmpty() && (l.startsWith("   ") || l.strip().startsWith(";=>"));
                if (continues) chunks.set(chunks.size() - 1, chunks.get(chunks.size() - 1) + "\n" + l);
                else chunks.add(l);
            }
            Interpreter interp = Toolkit.newInterpreter(new PrintStream(new ByteArrayOutputStream()), false);
            interp.eval("setup", "(require std) (def net (network net (neurons a accum, b accum)))");
            for (String chunk : chunks) {
                Object value = interp.eval("(doc " + name + ")", chunk);
                int arrow = chunk.lastIndexOf(";=>");
                if (arrow < 0) continue;
                assertEquals(chunk.substring(arrow + 3).strip(), Printer.print(value), name + ": " + chunk);
                checked++;
            }
        }
        assertTrue(checked >= 15, "checked only " + checked + " examples");
    }

    @Test
    void builtinsReferenceIsUpToDate() throws Exception {
        Path file = Path.of("docs/BUILTINS.md");
        String expected = builtinsReference();
        if (Boolean.getBoolean("dmm.updateDocs")) Files.writeString(file, expected);
        assertEquals(expected, Files.readString(file), "docs/BUILTINS.md is stale: run mvn test -Dtest=DocsTest -Ddmm.updateDocs=true");
        List<String> undocumented = new ArrayList<>();
        Interpreter interp = Toolkit.newInterpreter(new PrintStream(new ByteArrayOutputStream()), false);
        interp.boundVars().forEach((k, v) -> {
            if (v.get() instanceof Builtin && (v.doc() == null || v.doc().isBlank())) undocumented.add(k);
        });
        assertEquals(List.of(), undocumented);
    }
}
