package dmm.repl;

import dmm.lang.DmmLexer;
import dmm.lang.Interpreter;
import dmm.lang.Reader;
import dmm.lang.Var;
import dmm.machine.Network;
import dmm.vvalue.VValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.antlr.v4.runtime.Token;
import org.jline.builtins.Completers;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

/**
 * TAB completion: special forms, built-ins and defined names, neuron types, {@code :commands},
 * {@code neuron.field} for the neurons of defined networks, and file paths inside {@code load},
 * {@code read-json}, {@code load-checkpoint} and {@code :load}.
 */
public final class Completion implements Completer {
    private final Interpreter interp;
    private final Completer files = new Completers.FileNameCompleter();

    public Completion(Interpreter interp) {
        this.interp = interp;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        String before = line.line().substring(0, Math.min(line.cursor(), line.line().length()));
        if (inFileContext(before)) {
            files.complete(reader, fileWord(line), candidates);
            return;
        }
        for (String c : candidates(before, line.word().substring(0, Math.min(line.wordCursor(), line.word().length()))))
            candidates.add(new Candidate(c, c, null, null, null, null, !c.endsWith(".")));
    }

    /** The completions of {@code word} given the text before the cursor (for tests and the Jupyter kernel too). */
    public Set<String> candidates(String before, String word) {
        Set<String> out = new TreeSet<>();
        if (before.trim().startsWith(":") && !before.trim().contains(" ")) {
            for (String c : Repl.COMMANDS.keySet()) if (c.startsWith(word)) out.add(c);
            return out;
        }
        if (before.trim().startsWith(":doc ") || before.trim().startsWith(":source ")) {
            addNames(word, out);
            return out;
        }
        int dot = word.indexOf('.');
        if (dot > 0) {
            String neuron = word.substring(0, dot);
            for (String f : fieldsOf(neuron)) {
                String c = neuron + "." + f;
                if (c.startsWith(word)) out.add(c);
            }
            return out;
        }
        addNames(word, out);
        for (String n : neuronNames()) if (n.startsWith(word) && !word.isEmpty()) out.add(n + ".");
        return out;
    }

    private void addNames(String word, Set<String> out) {
        for (String s : interp.specialForms()) if (s.startsWith(word)) out.add(s);
        for (String s : interp.boundVars().keySet()) if (s.startsWith(word)) out.add(s);
        for (String s : interp.neuronTypes().keySet()) if (s.startsWith(word)) out.add(s);
    }

    private Set<String> neuronNames() {
        Set<String> out = new TreeSet<>();
        for (Var v : interp.boundVars().values()) if (v.get() instanceof Network n) out.addAll(n.neurons().keySet());
        return out;
    }

    /** Input fields (from the neuron function) and output fields (from the current outputs) of a neuron. */
    private Set<String> fieldsOf(String neuron) {
        Set<String> out = new TreeSet<>();
        for (Var v : interp.boundVars().values()) {
            if (!(v.get() instanceof Network n) || !n.neurons().containsKey(neuron)) continue;
            try {
                if (n.neuron(neuron).declaredInputs() != null) out.addAll(n.neuron(neuron).declaredInputs());
                Object o = n.outputOf(neuron);
                if (o instanceof VValue vv) out.addAll(vv.keys());
                Object i = n.inputOf(neuron);
                if (i instanceof VValue iv) out.addAll(iv.keys());
            } catch (RuntimeException e) {
                // a neuron whose type is not defined yet has no fields to offer
            }
        }
        return out;
    }

    /** Forms whose string arguments are file paths. */
    static final Set<String> FILE_FORMS = Set.of("load", "read-json", "write-json", "load-checkpoint",
            "save-checkpoint", "load-matrix", "save-matrix", "graph", "write-dot");

    /**
     * True when the cursor is inside a string argument of a file form, or after {@code :load}: by
     * the grammar's lexer, the text before the cursor ends in an open string whose innermost
     * enclosing list starts with a file form.
     */
    static boolean inFileContext(String before) {
        if (before.trim().startsWith(":load ")) return true;
        List<Token> tokens = new ArrayList<>();
        DmmLexer lexer = Reader.lexer(before);
        for (Token t = lexer.nextToken(); t.getType() != Token.EOF; t = lexer.nextToken())
            if (t.getChannel() == Token.DEFAULT_CHANNEL) tokens.add(t);
        int last = tokens.size() - 1;
        if (last < 0 || tokens.get(last).getType() != DmmLexer.UNTERMINATED_STRING) return false;
        int depth = 0;
        for (int i = last - 1; i >= 0; i--) {
            switch (tokens.get(i).getType()) {
                case DmmLexer.RPAREN, DmmLexer.RBRACK, DmmLexer.RBRACE -> depth++;
                case DmmLexer.LBRACK, DmmLexer.LBRACE -> {
                    if (depth-- == 0) return false;
                }
                case DmmLexer.LPAREN -> {
                    if (depth-- == 0) {
                        Token head = tokens.get(i + 1);
                        return head.getType() == DmmLexer.SYMBOL && FILE_FORMS.contains(head.getText());
                    }
                }
                default -> {}
            }
        }
        return false;
    }

    private static ParsedLine fileWord(ParsedLine line) {
        String before = line.line().substring(0, line.cursor());
        int start = Math.max(before.lastIndexOf('"'), before.lastIndexOf(' ')) + 1;
        String word = before.substring(start);
        return new FormParser.Words(line.line(), line.cursor(), List.of(word), 0, word.length());
    }
}
