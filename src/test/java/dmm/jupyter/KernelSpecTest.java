package dmm.jupyter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelSpecTest {
    @TempDir
    Path tmp;

    @Test
    void prefixInstallsUnderShareJupyterKernels() {
        assertEquals(tmp.resolve("share/jupyter/kernels"), KernelSpec.kernelsDir(List.of("--prefix", tmp.toString()), Map.of()));
    }

    @Test
    void sysPrefixIsTheActiveVirtualenv() {
        assertEquals(tmp.resolve("share/jupyter/kernels"), KernelSpec.kernelsDir(List.of("--sys-prefix"), Map.of("VIRTUAL_ENV", tmp.toString())));
    }

    @Test
    void sysPrefixWithoutAnEnvironmentSaysWhatToDo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelSpec.kernelsDir(List.of("--sys-prefix"), Map.of()));
        assertTrue(e.getMessage().contains("give --prefix DIR"), e.getMessage());
    }

    @Test
    void userInstallFollowsJupyterDataDir() {
        assertEquals(tmp.resolve("kernels"), KernelSpec.kernelsDir(List.of("--user"), Map.of("JUPYTER_DATA_DIR", tmp.toString())));
    }

    @Test
    void unknownOptionIsRefusedNamingTheAcceptedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelSpec.kernelsDir(List.of("--global"), Map.of()));
        assertEquals("expected one of --user, --prefix DIR, --sys-prefix; got --global", e.getMessage());
    }

    @Test
    void kernelJsonRunsTheKernelWithTheConnectionFileAndMessageInterrupts() throws Exception {
        Path dir = KernelSpec.write(tmp, KernelSpec.launcherArgv("dmm.cli.Main"));
        JsonNode spec = Wire.JSON.readTree(dir.resolve("kernel.json").toFile());
        assertEquals("{connection_file}", spec.get("argv").get(spec.get("argv").size() - 1).asText());
        assertEquals("message", spec.get("interrupt_mode").asText());
        assertEquals("dmm", spec.get("language").asText());
    }

    @Test
    void uninstallRemovesTheKernelDirectory() throws Exception {
        KernelSpec.write(tmp, List.of("java"));
        assertTrue(KernelSpec.remove(tmp));
        assertFalse(Files.exists(tmp.resolve("dmm")));
        assertFalse(KernelSpec.remove(tmp));
    }
}
