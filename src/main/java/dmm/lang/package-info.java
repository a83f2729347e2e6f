/**
 * The dmm language: reader (one pass over the grammar's ANTLR lexer → {@link dmm.lang.Form}s
 * with source spans),
 * analyzer (forms → executable {@link dmm.lang.Node} trees with resolved locals), evaluator,
 * the environment of {@link dmm.lang.Var}s, built-ins, printing and errors.
 *
 * <p>Pipeline: {@code Reader} → {@code Analyzer} → {@code Node.eval}; {@link
 * dmm.lang.Interpreter#run} runs a file, a string or a REPL line through that one path and
 * reports its errors in one place. Depends on {@code vvalue} and
 * {@code ad}; the machine and training packages register their forms and built-ins through
 * {@link dmm.lang.Interpreter#defineSpecialForm} and {@link dmm.lang.Interpreter#define}.
 */
package dmm.lang;
