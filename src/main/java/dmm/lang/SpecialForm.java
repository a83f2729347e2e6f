package dmm.lang;

/** A form with its own evaluation rule; packages above {@code lang} register theirs (e.g. {@code defnet}). */
@FunctionalInterface
public interface SpecialForm {
    /** Analyzes {@code form} (whose head names this special form) into a node. */
    Node analyze(Analyzer analyzer, Form.ListForm form, Analyzer.Scope scope);
}
