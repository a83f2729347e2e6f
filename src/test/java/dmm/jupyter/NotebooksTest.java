package dmm.jupyter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every notebook under examples/notebooks/ runs headless with nbclient from a clean dmm kernel,
 * and its outputs agree with the ones it was saved with where they are deterministic
 * (src/test/jupyter/notebooks.py says what is compared).
 */
class NotebooksTest {
    @Test
    void examplesRunAndMatchTheirSavedOutputs() throws Exception {
        PythonEnv env = PythonEnv.get();
        PythonEnv.Result r = env.run(List.of("src/test/jupyter/notebooks.py", "check", "examples/notebooks"), 900);
        assertEquals(0, r.code(), r.output());
    }
}
