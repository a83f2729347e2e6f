/**
 * Dataflow matrix machines: neurons, networks, the two-stroke cycle (down movement through the
 * network matrix, up movement through the neuron functions), self-modification, links and
 * fragments, and the language forms that define them ({@code defnet}, {@code link}, ...).
 *
 * <p>Depends on {@code vvalue}, {@code ad} and {@code lang} (neuron functions are language
 * functions; the forms are registered through the interpreter's hooks). Knows nothing of the
 * REPL, training or the command line.
 */
package dmm.machine;
