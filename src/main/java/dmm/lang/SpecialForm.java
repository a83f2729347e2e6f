package dmm.lang;

/** A form with its own evaluation rule; packages above {@code lang} register theirs (e.g. {@code defnet}). */
@FunctionalInterface
public interface SpecialForm {
    /** Analyzes {@code form} (whose head names this special form) into a node. */
    Node analyze(Analyzer analyzer, Form.ListForm form, Analyzer.Scope scope);

    /**
     * How a special form is written ({@code usage}, e.g. {@code (if test then else?)}) and what it
     * does ({@code text}: plain text, examples indented); shown by {@code (doc name)}, the REPL's
     * {@code :doc} and docs/BUILTINS.md.
     */
    record Doc(String usage, String text) {
        public Doc {
            if (usage == null || usage.isBlank() || text == null || text.isBlank())
                throw new IllegalArgumentException("a special form needs a usage and a docstring");
            text = text.strip();
        }
    }
}
