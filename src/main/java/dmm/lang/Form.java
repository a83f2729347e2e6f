package dmm.lang;

import java.util.List;

/** A form read from source: the reader's output and the analyzer's input. Every form has a span. */
public sealed interface Form {
    Span span();

    /** {@code (a b c)}. */
    record ListForm(List<Form> items, Span span) implements Form {}

    /** {@code [a b c]}. */
    record VectorForm(List<Form> items, Span span) implements Form {}

    /** {@code {k v ...}}: items alternate keys and values. */
    record MapForm(List<Form> items, Span span) implements Form {}

    /** {@code 'x}. */
    record QuoteForm(Form form, Span span) implements Form {}

    /** A symbol such as {@code accum.dict}, {@code link!} or {@code <-}. */
    record SymbolForm(String name, Span span) implements Form {}

    /** A keyword {@code :name}; its name is the key string. */
    record KeywordForm(String name, Span span) implements Form {}

    /** A string literal with escapes resolved. */
    record StringForm(String value, Span span) implements Form {}

    /** A number literal. */
    record NumberForm(double value, Span span) implements Form {}
}
