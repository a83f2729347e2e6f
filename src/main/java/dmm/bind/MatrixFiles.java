package dmm.bind;

import static dmm.bind.MachineLib.*;
import dmm.ad.Ops;
import dmm.lang.EvalError;
import dmm.lang.Interpreter;
import dmm.lang.Lib;
import dmm.lang.Options;
import dmm.lang.Values;
import dmm.machine.Dot;
import dmm.machine.Network;
import dmm.vvalue.VValue;
import dmm.vvalue.VValueJson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Networks in files: matrices as JSON in the published rank-4 layout or rank 6 ({@code save-matrix}, {@code load-matrix}), and graphs as DOT, SVG or PNG ({@code graph}, {@code to-dot}, {@code write-dot}). */
final class MatrixFiles extends Lib {
    MatrixFiles(Interpreter interp) {
        super(interp);
    }

    void install() {
        files();
    }

    private void files() {
        fn("to-dot", "[net]", "The network as a Graphviz DOT graph (soft links solid and labelled with weights, hard links dashed).", 1, 1,
                a -> Dot.render(network(a[0], "to-dot")));
        fn("save-matrix", "[net path & options]", "Writes the soft matrix as JSON, atomically: the rank-4 name-keyed layout of the published files by default, :rank 6 for the full layout.", 2, -1, a -> {
            Network n = network(a[0], "save-matrix");
            String path = Values.toKey(a[1], null);
            Options o = Options.parse("save-matrix", a, 2, List.of("rank"));
            long rank = o.integer("rank", 4);
            if (rank != 4 && rank != 6) throw new EvalError("save-matrix :rank must be 4 or 6");
            VValue w = Ops.primal(n.softMatrix());
            try {
                VValueJson.writeFile(rank == 4 ? Network.namedView(w) : w, Path.of(path));
            } catch (IOException e) {
                throw new EvalError("cannot write " + path + ": " + Values.whyNotWritten(e, path));
            }
            return path;
        });
        fn("load-matrix", "[net path]", "The network with its soft matrix read from a JSON file in the rank-4 or the rank-6 layout (detected from the depth of the leaves); every neuron the file names must be declared.", 2, 2, a -> {
            Network n = network(a[0], "load-matrix");
            String path = Values.toKey(a[1], null);
            return n.withSoftMatrix(n.matrixFromFile(Values.readJsonFile(path), path));
        });
        fn("graph", "[net path]", "Writes the network as a Graphviz graph: DOT for a .dot path; for .svg or .png, renders it with Graphviz `dot` when it is installed. Returns the path.", 2, 2, a -> {
            Network n = network(a[0], "graph");
            String path = Values.toKey(a[1], null);
            String format = path.endsWith(".svg") ? "svg" : path.endsWith(".png") ? "png" : null;
            try {
                if (format == null) {
                    VValueJson.writeAtomically(Path.of(path), Dot.render(n));
                    return path;
                }
                Dot.renderWithGraphviz(Dot.render(n), format, Path.of(path));
                return path;
            } catch (IOException e) {
                throw new EvalError("cannot write " + path + ": " + Values.whyNotWritten(e, path));
            }
        });
        fn("write-dot", "[net path]", "Writes the DOT graph to a file (atomically); returns the path. Render it with `dot -Tsvg`.", 2, 2, a -> {
            String path = Values.toKey(a[1], null);
            try {
                VValueJson.writeAtomically(Path.of(path), Dot.render(network(a[0], "write-dot")));
            } catch (IOException e) {
                throw new EvalError("cannot write " + path + ": " + Values.whyNotWritten(e, path));
            }
            return path;
        });
    }
}
