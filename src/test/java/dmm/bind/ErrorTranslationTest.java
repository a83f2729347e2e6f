package dmm.bind;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dmm.lang.EvalError;
import dmm.lang.Fn;
import dmm.lang.Interpreter;
import dmm.machine.MachineError;
import org.junit.jupiter.api.Test;

/** Engine errors become language errors through the translators of the interpreter that runs the code. */
class ErrorTranslationTest {
    private static final Fn BOOM = new Fn() {
        @Override
        public Object invoke(Object[] args) {
            throw new MachineError("the matrix names neuron `b` of type `a`").addContext("in network `n`");
        }

        @Override
        public String name() {
            return "boom";
        }
    };

    private static String report(Interpreter interp) {
        interp.define("boom", BOOM, "throws an engine error");
        return assertThrows(EvalError.class, () -> interp.eval("t.dmm", "(boom)")).report();
    }

    @Test
    void anInterpreterWithTheBindingsTranslatesEngineErrorsWithTheirContext() {
        String r = report(TestInterpreters.quiet());
        assertTrue(r.contains("the matrix names neuron `b` of type `a`"), r);
        assertTrue(r.contains("in network `n`"), r);
        assertFalse(r.contains("internal error"), r);
    }

    @Test
    void translatorsBelongToTheirInterpreter() {
        TestInterpreters.quiet();   // another interpreter with the bindings installed
        String r = report(new Interpreter());
        assertTrue(r.contains("internal error (MachineError"), "a bare interpreter has no engine translator: " + r);
    }
}
