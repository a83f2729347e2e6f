/**
 * The interactive REPL on JLine 3: a parser that keeps reading while brackets are open,
 * highlighting, completion, history, commands ({@code :help}, {@code :doc}, {@code :source},
 * {@code :load}, {@code :reload}, {@code :quit}), {@code *1 *2 *3 *e}, Ctrl-C that cancels a
 * running evaluation at its next cycle or step boundary, messages from live networks printed
 * above the prompt, and a plain mode for piped input.
 */
package dmm.repl;
