package dmm.lang;

import java.util.List;

/**
 * A function's analyzed body as a compiler reads it: the analyzer's nodes (symbols resolved to
 * parameter slots, captured values and vars) as public, read-only data. It is a view: the
 * interpreter never runs it, and a node this view does not describe — a form whose evaluation is
 * not straight-line or not pure — is {@link Other}, named by its source.
 */
public sealed interface Body {
    /** Where the form is in its source. */
    Span span();

    /** A constant: a V-value, a keyword, a string, a list, a boolean or nil. */
    record Constant(Object value, Span span) implements Body {}

    /** A parameter or a {@code let} local, by its frame slot (a function's parameters come first, in order). */
    record Local(int slot, Span span) implements Body {}

    /** A global name: the var is read when the form runs (late binding; redefinitions count). */
    record Global(Var var, Span span) implements Body {}

    /** A call {@code (fn args...)}, arguments evaluated left to right before the call. */
    record Call(Body fn, List<Body> args, Span span) implements Body {}

    /** {@code let}: each init bound to its slot in order, then the body. */
    record Let(int[] slots, List<Body> inits, Body body, Span span) implements Body {}

    /** A map literal with computed parts: keys and values evaluated in order, then one map. */
    record MapLiteral(List<Body> keys, List<Body> values, Span span) implements Body {}

    /** A vector literal with computed items. */
    record Vector(List<Body> items, Span span) implements Body {}

    /**
     * Any other form — {@code if}, {@code loop}, {@code fn}, {@code do}, {@code def}, a special
     * form — named by {@code form} (e.g. "if").
     */
    record Other(String form, Span span) implements Body {}
}
