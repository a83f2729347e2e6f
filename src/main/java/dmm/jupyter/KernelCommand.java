package dmm.jupyter;

import dmm.lang.Interpreter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/** {@code dmm kernel install | uninstall | run CONNECTION_FILE}. */
public final class KernelCommand {
    static final String USAGE = "usage: dmm kernel install [--user | --prefix DIR | --sys-prefix]\n"
            + "       dmm kernel uninstall [--user | --prefix DIR | --sys-prefix]\n"
            + "       dmm kernel run CONNECTION_FILE   (what Jupyter starts)";

    private KernelCommand() {}

    /**
     * Runs the command; returns the exit code (0 ok, 64 usage, 66 unreadable connection file, 70 failure).
     * {@code newInterpreter} makes the kernel's interpreter with every built-in installed;
     * {@code launcher} is the main class the kernelspec starts.
     */
    public static int main(List<String> args, Class<?> launcher, Function<PrintStream, Interpreter> newInterpreter, String version,
                           PrintStream out, PrintStream err) {
        if (args.isEmpty()) return usage(err, "kernel needs install, uninstall or run");
        List<String> rest = args.subList(1, args.size());
        try {
            switch (args.get(0)) {
                case "install" -> {
                    Path dir = KernelSpec.write(KernelSpec.kernelsDir(rest, System.getenv()), KernelSpec.launcherArgv(launcher.getName()));
                    out.println("installed the dmm kernel in " + dir + " (jupyter kernelspec list shows it)");
                    return 0;
                }
                case "uninstall" -> {
                    Path kernels = KernelSpec.kernelsDir(rest, System.getenv());
                    if (!KernelSpec.remove(kernels)) {
                        err.println("dmm kernel: no dmm kernel installed in " + kernels);
                        return 70;
                    }
                    out.println("removed the dmm kernel from " + kernels.resolve(KernelSpec.NAME));
                    return 0;
                }
                case "run" -> {
                    if (rest.size() != 1) return usage(err, "kernel run needs the connection file");
                    Connection c = Connection.read(Path.of(rest.get(0)));
                    Interpreter interp = newInterpreter.apply(out);
                    new Kernel(c, new Session(interp, version), err).serve();
                    return 0;
                }
                default -> {
                    return usage(err, "unknown kernel command `" + args.get(0) + "`");
                }
            }
        } catch (IllegalArgumentException e) {
            err.println("dmm kernel: " + e.getMessage());
            return args.get(0).equals("run") ? 66 : 64;
        } catch (IOException e) {
            err.println("dmm kernel: cannot write the kernelspec: " + e.getMessage());
            return 70;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 70;
        }
    }

    private static int usage(PrintStream err, String message) {
        err.println("dmm: " + message);
        err.println(USAGE);
        return 64;
    }
}
