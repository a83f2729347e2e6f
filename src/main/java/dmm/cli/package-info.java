/** The command line: {@code dmm run}, {@code dmm eval}, {@code dmm repl}, {@code dmm bench}. Depends on everything; nothing depends on it. */
package dmm.cli;
