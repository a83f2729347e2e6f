/**
 * dmm as a Jupyter kernel ({@code dmm kernel}): the messaging protocol 5.3 over ZeroMQ (JeroMQ),
 * HMAC-SHA256 signed ({@link dmm.jupyter.Wire}); one interpreter per kernel, evaluated on the
 * shell thread through {@code Interpreter.run} like the REPL ({@link dmm.jupyter.Kernel}); rich
 * output for networks and trainers ({@link dmm.jupyter.RichOutput}); the kernelspec
 * ({@link dmm.jupyter.KernelSpec}).
 */
package dmm.jupyter;
