package dmm.lang;

import java.util.List;

/**
 * A form read from source: the reader's output and the analyzer's input. Every form has a span;
 * it is kept as the source and two offsets (the {@link Span} is made on demand), so a big file's
 * forms cost little more than their content.
 */
public sealed interface Form {
    /** The source the form was read from. */
    Source source();

    /** Offset of the form's first character. */
    int start();

    /** Offset after the form's last character. */
    int stop();

    /** Where the form is. */
    default Span span() {
        return new Span(source(), start(), stop());
    }

    /** {@code (a b c)}. */
    record ListForm(List<Form> items, Source source, int start, int stop) implements Form {}

    /** {@code [a b c]}. */
    record VectorForm(List<Form> items, Source source, int start, int stop) implements Form {}

    /** {@code {k v ...}}: items alternate keys and values. */
    record MapForm(List<Form> items, Source source, int start, int stop) implements Form {}

    /** {@code 'x}. */
    record QuoteForm(Form form, Source source, int start, int stop) implements Form {}

    /** A symbol such as {@code accum.dict}, {@code link!} or {@code <-}. */
    record SymbolForm(String name, Source source, int start, int stop) implements Form {}

    /** A keyword {@code :name}; its name is the key string. */
    record KeywordForm(String name, Source source, int start, int stop) implements Form {}

    /** A string literal with escapes resolved. */
    record StringForm(String value, Source source, int start, int stop) implements Form {}

    /** A number literal. */
    record NumberForm(double value, Source source, int start, int stop) implements Form {}
}
