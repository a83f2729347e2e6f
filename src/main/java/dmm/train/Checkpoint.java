package dmm.train;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dmm.ad.Ops;
import dmm.machine.Network;
import dmm.vvalue.TextFiles;
import dmm.vvalue.VBuilder;
import dmm.vvalue.VValue;
import dmm.vvalue.VValueJson;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checkpoints as JSON: format tag, network name, both matrices (rank 6), the optimizer's
 * settings and state, the step, λ, the run's seconds so far and, during {@code
 * sparsify!}, the sparsification's position (round, threshold, λ reference, protected links...). Written atomically
 * (temp file, then rename), so a crash or Ctrl-C never leaves a half-written checkpoint.
 */
final class Checkpoint {
    static final String FORMAT = "dmm-checkpoint/2";
    /** The first format: no sparsification position (its "schedule" numbers are ignored). */
    static final String FORMAT_1 = "dmm-checkpoint/1";

    private Checkpoint() {}

    static void save(Trainer t, Path file) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("format", FORMAT);
            g.writeStringField("network", t.network().name());
            g.writeNumberField("step", t.step());
            g.writeNumberField("lambda", t.lambda());
            g.writeNumberField("seconds", t.seconds());
            if (t.sparsification() != null) writeSparsification(t.sparsification(), g);
            String data = dataSet(t.loss);
            if (data != null) {
                // the data set is named, not stored: its sampling position is a function of the step
                g.writeObjectFieldStart("data");
                g.writeStringField("fingerprint", data);
                if (t.loss.at(t.step()) instanceof BatchLoss b) {
                    long[] at = b.position(t.step());
                    g.writeNumberField("epoch", at[0]);
                    g.writeNumberField("position", at[1]);
                }
                g.writeEndObject();
            }
            g.writeFieldName("soft");
            VValueJson.write(Ops.primal(t.network().softMatrix()), g);
            g.writeFieldName("hard");
            VValueJson.write(t.network().hardMatrix(), g);
            g.writeObjectFieldStart("optimizer");
            for (Map.Entry<String, Object> e : t.optimizer.state().entrySet()) {
                Object v = e.getValue();
                if (v instanceof String s) g.writeStringField(e.getKey(), s);
                else if (v instanceof Double d) g.writeNumberField(e.getKey(), d);
                else {
                    g.writeFieldName(e.getKey());
                    VValueJson.write((VValue) v, g);
                }
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new TrainingError("cannot encode the checkpoint: " + e.getMessage());
        }
        try {
            VValueJson.writeAtomically(file, w + "\n");
        } catch (IOException e) {
            throw new TrainingError("cannot write the checkpoint " + file + ": " + (e.getMessage() != null ? e.getMessage() : e.toString()));
        }
    }

    static void load(Trainer t, Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new TrainingError("checkpoint not found: " + file);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            var at = e.getLocation();
            boolean duplicate = e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field");
            throw new TrainingError("checkpoint " + file + " is corrupt: " + (duplicate ? "a key given twice" : "not valid JSON")
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                    + (duplicate ? "" : " (a checkpoint cut short, or not a checkpoint)"));
        } catch (IOException e) {
            throw new TrainingError("cannot read the checkpoint " + file + ": " + TextFiles.why(e, file));
        }
        if (root == null || !(FORMAT.equals(text(root, "format")) || FORMAT_1.equals(text(root, "format"))))
            throw new TrainingError("checkpoint " + file + " is not a dmm checkpoint (expected \"format\": \"" + FORMAT + "\")");
        long step = root.path("step").asLong(-1);
        if (step < 0) throw bad(file, "step");
        double lambda = number(root, "lambda", file);
        Sparsifier.Position sparsification = root.has("sparsification") ? readSparsification(root.get("sparsification"), file) : null;
        double seconds = root.path("seconds").asDouble(0);
        VValue soft = vvalue(root, "soft", file), hard = vvalue(root, "hard", file);
        JsonNode o = root.path("optimizer");
        if (!o.path("kind").isTextual()) throw bad(file, "optimizer.kind");
        if (!t.optimizer.kind().equals(o.path("kind").asText()))
            throw new TrainingError("checkpoint " + file + " holds a " + o.path("kind").asText() + " optimizer, this run uses " + t.optimizer.kind());
        Map<String, Object> opt = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : o.properties()) {
            JsonNode v = e.getValue();
            if (v.isTextual()) opt.put(e.getKey(), v.asText());
            else if (v.isNumber() && !(e.getKey().equals("m") || e.getKey().equals("v") || e.getKey().equals("velocity"))) {
                double x = v.asDouble();
                if (!Double.isFinite(x) || (e.getKey().equals("t") && (x < 0 || x != Math.rint(x)))) throw bad(file, "optimizer." + e.getKey());
                opt.put(e.getKey(), x);
            } else opt.put(e.getKey(), toVValue(v, "optimizer." + e.getKey(), file));
        }
        String data = dataSet(t.loss);
        if (root.has("data") && data != null && !data.equals(root.path("data").path("fingerprint").asText()))
            throw new TrainingError("checkpoint " + file + " was written while training on another data set (" + root.path("data").path("fingerprint").asText()
                    + "); this trainer's loss is over " + data);
        Network n = t.network();
        CheckpointCheck.validate(file, text(root, "network"), n, soft, hard, t.optimizer.state(), opt);
        t.restoreState(n.withHardMatrix(hard).withSoftMatrix(soft), step, lambda, opt, sparsification, seconds);
    }

    /**
     * What a checkpoint records of the loss's data sets (one fingerprint per batch loss, per
     * curriculum stage), or null for a loss without any.
     */
    static String dataSet(Loss loss) {
        if (loss instanceof BatchLoss b) return b.fingerprint();
        if (loss instanceof Curriculum c) {
            List<String> parts = new ArrayList<>();
            boolean any = false;
            for (Curriculum.Stage s : c.stages()) {
                String d = dataSet(s.loss());
                any |= d != null;
                parts.add("from " + s.from() + ": " + (d == null ? "one run" : d));
            }
            return any ? String.join("; ", parts) : null;
        }
        return null;
    }

    private static void writeSparsification(Sparsifier.Position p, JsonGenerator g) throws IOException {
        g.writeObjectFieldStart("sparsification");
        g.writeStringField("phase", p.stage.word());
        g.writeNumberField("start-links", p.startLinks);
        g.writeNumberField("start-loss", p.startLoss);
        g.writeNumberField("max-loss", p.maxLoss);
        g.writeNumberField("reference", p.reference);
        g.writeNumberField("rounds", p.rounds);
        g.writeNumberField("accepted", p.accepted);
        g.writeNumberField("rejections", p.rejections);
        g.writeNumberField("idle", p.idle);
        g.writeNumberField("threshold", p.threshold);
        g.writeNumberField("accepted-threshold", p.acceptedThreshold);
        if (p.judgedOn != null) g.writeStringField("judged-on", p.judgedOn);
        if (p.maxCut > 0) g.writeNumberField("max-cut", p.maxCut);
        g.writeArrayFieldStart("protected");
        for (List<String> path : p.protectedLinks) {
            g.writeStartArray();
            for (String k : path) g.writeString(k);
            g.writeEndArray();
        }
        g.writeEndArray();
        if (p.regrows > 0) g.writeNumberField("regrows", p.regrows);
        if (p.attemptFrom > 0) g.writeNumberField("attempt-from", p.attemptFrom);
        if (p.roundsLambda > 0) g.writeNumberField("rounds-lambda", p.roundsLambda);
        if (p.againFrom > 0) g.writeNumberField("again-from", p.againFrom);
        if (p.tightenFrom > 0) g.writeNumberField("tighten-from", p.tightenFrom);
        if (p.tightenedEveryLink) g.writeBooleanField("tighten-all", true);
        if (p.bestMatrix != null) {
            g.writeNumberField("best-loss", p.bestLoss);
            g.writeFieldName("best-matrix");
            VValueJson.write(p.bestMatrix, g);
        }
        g.writeEndObject();
    }

    private static Sparsifier.Position readSparsification(JsonNode n, Path file) {
        Sparsifier.Position p = new Sparsifier.Position();
        p.stage = Sparsifier.Position.Stage.of(n.path("phase").asText(""));
        if (p.stage == null) throw bad(file, "sparsification.phase");
        p.startLinks = (int) number(n, "start-links", file);
        p.startLoss = number(n, "start-loss", file);
        p.maxLoss = number(n, "max-loss", file);
        p.reference = number(n, "reference", file);
        p.rounds = (int) number(n, "rounds", file);
        p.accepted = (int) number(n, "accepted", file);
        p.rejections = (int) number(n, "rejections", file);
        p.idle = (int) number(n, "idle", file);
        p.threshold = number(n, "threshold", file);
        p.acceptedThreshold = number(n, "accepted-threshold", file);
        p.judgedOn = text(n, "judged-on");   // absent in checkpoints written before it was recorded
        p.maxCut = n.has("max-cut") ? (int) number(n, "max-cut", file) : 0;
        JsonNode prot = n.path("protected");
        if (!prot.isArray()) throw bad(file, "sparsification.protected");
        for (JsonNode path : prot) {
            List<String> keys = new ArrayList<>();
            for (JsonNode k : path) keys.add(k.asText());
            p.protectedLinks.add(List.copyOf(keys));
        }
        // absent in checkpoints written before regrowing existed: none yet, no best machine
        p.regrows = n.has("regrows") ? (int) number(n, "regrows", file) : 0;
        p.attemptFrom = n.has("attempt-from") ? (int) number(n, "attempt-from", file) : 0;
        p.roundsLambda = n.has("rounds-lambda") ? number(n, "rounds-lambda", file) : 0;
        p.againFrom = n.has("again-from") ? (int) number(n, "again-from", file) : 0;
        p.tightenFrom = n.has("tighten-from") ? (int) number(n, "tighten-from", file) : 0;
        // absent in checkpoints of builds whose tightening tried only links below :threshold-max
        p.tightenedEveryLink = n.has("tighten-all") && n.get("tighten-all").asBoolean();
        if (n.has("best-matrix")) {
            p.bestLoss = number(n, "best-loss", file);
            p.bestMatrix = toVValue(n.get("best-matrix"), "sparsification.best-matrix", file);
        }
        return p;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null ? null : v.asText();
    }

    private static double number(JsonNode root, String field, Path file) {
        JsonNode v = root.get(field);
        if (v == null || !v.isNumber()) throw bad(file, field);
        return v.asDouble();
    }

    private static VValue vvalue(JsonNode root, String field, Path file) {
        JsonNode v = root.get(field);
        if (v == null) throw bad(file, field);
        return toVValue(v, field, file);
    }

    /** A V-value from its JSON tree, strictly: finite numbers and objects of them only, errors naming the path. */
    private static VValue toVValue(JsonNode n, String path, Path file) {
        if (n.isNumber()) {
            double x = n.asDouble();
            if (!Double.isFinite(x)) throw new TrainingError("checkpoint " + file + " is corrupt: number out of range at " + path);
            return VValue.of(x);
        }
        if (!n.isObject())
            throw new TrainingError("checkpoint " + file + " is corrupt: expected a number or an object at " + path + ", found " + n.getNodeType().toString().toLowerCase(Locale.ROOT));
        VBuilder b = new VBuilder();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            String p = path + "." + e.getKey();
            if (e.getKey().equals("number")) {
                if (!e.getValue().isNumber()) throw new TrainingError("checkpoint " + file + " is corrupt: the own number at " + p + " must be a number");
                b.addScalar(toVValue(e.getValue(), p, file).scalarPart());
            } else {
                b.addScaled(e.getKey(), 1, toVValue(e.getValue(), p, file));
            }
        }
        return b.build();
    }

    private static TrainingError bad(Path file, String field) {
        return new TrainingError("checkpoint " + file + " is corrupt: missing or invalid \"" + field + "\"");
    }
}
