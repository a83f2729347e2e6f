package dmm.lang;

/**
 * How running a source ended ({@link Interpreter#run}, {@link Interpreter#runFile}): its status,
 * the value of its last form (null when the run failed or the source had no forms), how many
 * forms the source had, and the report written for its error (null when it succeeded).
 */
public record Outcome(Status status, Object value, int forms, String report) {
    /** How a run can end, each with its status code in the sysexits convention (as jlox uses). */
    public enum Status {
        OK(0),
        /** Malformed source text (nothing of it was evaluated). */
        SYNTAX_ERROR(65),
        /** The file could not be read (missing, a directory, no permission). */
        UNREADABLE(66),
        /** An error while evaluating (out of memory and runaway recursion included). */
        RUNTIME_ERROR(70),
        /** Stopped by a cancel request (Ctrl-C in the REPL) at a loop, call, cycle or step boundary. */
        INTERRUPTED(70);

        private final int code;

        Status(int code) {
            this.code = code;
        }

        /** The exit code of {@code dmm run} and {@code dmm eval}; the status of a REPL input. */
        public int code() {
            return code;
        }
    }

    /** True when the run ended without an error. */
    public boolean ok() {
        return status == Status.OK;
    }

    /** True when the run ended with an error in the source or its evaluation (not an interruption). */
    public boolean failed() {
        return status == Status.SYNTAX_ERROR || status == Status.UNREADABLE || status == Status.RUNTIME_ERROR;
    }
}
