package dmm.jupyter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The kernel spoken to by Jupyter's own client library (src/test/jupyter/test_kernel.py):
 * kernel_info, execute with streams and errors, completion, inspection, is_complete, history,
 * a network's drawing, interrupting a long train! (idle within 2 s, vars intact), a cell that
 * throws leaving the kernel usable, and a wrongly signed message refused.
 */
class KernelProtocolTest {
    @Test
    void jupyterClientSuitePasses() throws Exception {
        PythonEnv env = PythonEnv.get();
        PythonEnv.Result r = env.run(List.of("-m", "unittest", "-v", "src/test/jupyter/test_kernel.py"), 600);
        assertEquals(0, r.code(), r.output());
    }
}
