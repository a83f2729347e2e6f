package dmm.lang;

import dmm.cancel.Cancelled;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * One interpreter's translators of the layers below the language (the engine's errors, installed
 * by the bindings) and the one place where a Java exception from a built-in becomes a language
 * error: the translators first, then {@link Values}' generic rules. Per interpreter, so two
 * interpreters with different bindings never see each other's translators.
 */
final class ErrorTranslators {
    private final List<Function<RuntimeException, EvalError>> translators = new CopyOnWriteArrayList<>();

    void add(Function<RuntimeException, EvalError> t) {
        if (!translators.contains(t)) translators.add(t);
    }

    /** {@code e} as a language error at {@code span} (a cancellation is not an error: it goes on as it is). */
    EvalError wrap(RuntimeException e, Span span, String fnName) {
        if (e instanceof Cancelled c) throw c;
        for (Function<RuntimeException, EvalError> t : translators) {
            EvalError translated = t.apply(e);
            if (translated != null) {
                if (span != null && translated.span() == null) translated.at(span);
                return translated;
            }
        }
        return Values.wrap(e, span, fnName);
    }
}
