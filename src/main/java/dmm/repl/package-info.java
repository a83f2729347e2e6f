/**
 * The interactive REPL on JLine 3, over {@link Interpreter#run} (the run path of
 * {@code dmm run} and {@code dmm eval}) and the grammar's lexer: a parser that keeps reading
 * while brackets, a string or a block comment are open, highlighting, completion, history, commands ({@code :help}, {@code :doc}, {@code :source},
 * {@code :load}, {@code :reload}, {@code :quit}), {@code *1 *2 *3 *e}, Ctrl-C that cancels a
 * running evaluation at its next cycle or step boundary, messages from live networks printed
 * above the prompt, and a plain mode for piped input.
 */
package dmm.repl;

import dmm.lang.Interpreter;
