package dmm.jupyter;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The kernelspec Jupyter finds the dmm kernel by: {@code kernels/dmm/kernel.json} under a Jupyter
 * data directory, its argv this JVM's java running this class path's {@code dmm kernel run}.
 */
final class KernelSpec {
    static final String NAME = "dmm";

    private KernelSpec() {}

    /** The kernels directory for an install option: --user (the default), --prefix DIR or --sys-prefix. */
    static Path kernelsDir(List<String> args, Map<String, String> env) {
        if (args.isEmpty() || args.equals(List.of("--user"))) return userDataDir(env).resolve("kernels");
        if (args.size() == 2 && args.get(0).equals("--prefix")) return Path.of(args.get(1)).toAbsolutePath().resolve("share/jupyter/kernels");
        if (args.equals(List.of("--sys-prefix"))) {
            String prefix = env.getOrDefault("VIRTUAL_ENV", env.get("CONDA_PREFIX"));
            if (prefix == null || prefix.isBlank())
                throw new IllegalArgumentException("--sys-prefix installs into the active Python environment, and none is active "
                        + "(neither VIRTUAL_ENV nor CONDA_PREFIX is set); activate it, or give --prefix DIR");
            return Path.of(prefix).resolve("share/jupyter/kernels");
        }
        throw new IllegalArgumentException("expected one of --user, --prefix DIR, --sys-prefix; got " + String.join(" ", args));
    }

    /** Jupyter's per-user data directory (as jupyter_core finds it). */
    static Path userDataDir(Map<String, String> env) {
        String explicit = env.get("JUPYTER_DATA_DIR");
        if (explicit != null && !explicit.isBlank()) return Path.of(explicit);
        Path home = Path.of(System.getProperty("user.home"));
        if (System.getProperty("os.name", "").startsWith("Mac")) return home.resolve("Library/Jupyter");
        if (System.getProperty("os.name", "").startsWith("Windows")) {
            String appData = env.get("APPDATA");
            return appData != null ? Path.of(appData, "jupyter") : home.resolve("AppData/Roaming/jupyter");
        }
        String xdg = env.get("XDG_DATA_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".local/share")).resolve("jupyter");
    }

    /** The command that starts this build's kernel: this JVM's java, this class path, the launcher's {@code mainClass}. */
    static List<String> launcherArgv(String mainClass) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        StringBuilder cp = new StringBuilder();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (e.isEmpty()) continue;
            if (cp.length() > 0) cp.append(File.pathSeparator);
            cp.append(Path.of(e).toAbsolutePath());
        }
        return List.of(java, "-cp", cp.toString(), mainClass, "kernel", "run", "{connection_file}");
    }

    /** Writes {@code dir/dmm/kernel.json} starting the kernel with {@code argv}; returns the kernel's directory. */
    static Path write(Path kernelsDir, List<String> argv) throws IOException {
        ObjectNode spec = Wire.JSON.createObjectNode();
        ArrayNode a = spec.putArray("argv");
        argv.forEach(a::add);
        spec.put("display_name", "dmm");
        spec.put("language", "dmm");
        spec.put("interrupt_mode", "message");
        spec.putObject("metadata").put("debugger", false);
        Path dir = kernelsDir.resolve(NAME);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("kernel.json"), Wire.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(spec) + "\n");
        return dir;
    }

    /** Removes {@code dir/dmm}; false when it was not there. */
    static boolean remove(Path kernelsDir) throws IOException {
        Path dir = kernelsDir.resolve(NAME);
        if (!Files.isDirectory(dir)) return false;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) Files.delete(f);
        }
        Files.delete(dir);
        return true;
    }
}
