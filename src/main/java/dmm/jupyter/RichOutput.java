package dmm.jupyter;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dmm.lang.EvalError;
import dmm.lang.Interpreter;
import dmm.lang.Lib;
import dmm.lang.Printer;
import dmm.machine.Network;
import dmm.train.Trainer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * What a value looks like in a notebook: every value as {@code text/plain} (the REPL's printing);
 * a network also as an SVG drawing ({@link NetworkSvg}), a trainer also as its loss and soft-link
 * curves (PNG, the plot training writes). The {@code display} form shows a value, or a PNG or SVG
 * file (a study-report plot, say), in the cell's output.
 */
final class RichOutput extends Lib {
    private final Kernel kernel;
    private final Supplier<Wire.Message> parent;

    private RichOutput(Interpreter interp, Kernel kernel, Supplier<Wire.Message> parent) {
        super(interp);
        this.kernel = kernel;
        this.parent = parent;
    }

    static void install(Interpreter interp, Kernel kernel, Supplier<Wire.Message> parent) {
        new RichOutput(interp, kernel, parent).builtins();
    }

    private void builtins() {
        fn("display", "[x]", "Shows x in the notebook cell's output now: a network as its drawing, a trainer as its loss and "
                + "soft-link curves, a string ending in .png or .svg as that image file (a study-report plot, say), anything "
                + "else as its printed text. Returns nil. Only in the Jupyter kernel (dmm kernel).", 1, 1, a -> {
            ObjectNode content = Wire.JSON.createObjectNode();
            content.set("data", a[0] instanceof String s && isImageFile(s) ? file(s) : bundle(a[0]));
            content.putObject("metadata");
            interp.out().flush();
            kernel.publish("display_data", parent.get(), content);
            return null;
        });
    }

    /** The MIME bundle of a value. */
    static ObjectNode bundle(Object v) {
        ObjectNode data = Wire.JSON.createObjectNode();
        data.put("text/plain", Printer.print(v));
        if (v instanceof Network n) data.put("image/svg+xml", NetworkSvg.draw(n));
        if (v instanceof Trainer t && !t.log().rows().isEmpty()) data.put("image/png", curves(t));
        return data;
    }

    private static boolean isImageFile(String s) {
        String l = s.toLowerCase(Locale.ROOT);
        return l.endsWith(".png") || l.endsWith(".svg");
    }

    private static ObjectNode file(String name) {
        Path p = Path.of(name);
        ObjectNode data = Wire.JSON.createObjectNode();
        try {
            byte[] bytes = Files.readAllBytes(p);
            if (name.toLowerCase(Locale.ROOT).endsWith(".png")) data.put("image/png", Base64.getEncoder().encodeToString(bytes));
            else data.put("image/svg+xml", new String(bytes, StandardCharsets.UTF_8));
            data.put("text/plain", name);
            return data;
        } catch (NoSuchFileException e) {
            throw new EvalError("display: no file " + name);
        } catch (IOException e) {
            throw new EvalError("display: cannot read " + name + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** A trainer's curves as base64 PNG, drawn by the plot its training log writes. */
    private static String curves(Trainer t) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile("dmm-curves", ".png");
            t.log().writePlot(tmp);
            return Base64.getEncoder().encodeToString(Files.readAllBytes(tmp));
        } catch (IOException e) {
            throw new EvalError("cannot draw the trainer's curves (" + e.getClass().getSimpleName() + ")");
        } finally {
            if (tmp != null) tmp.toFile().delete();
        }
    }
}
