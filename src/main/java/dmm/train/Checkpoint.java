package dmm.train;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dmm.machine.Network;
import dmm.vvalue.VValue;
import dmm.vvalue.VValueJson;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checkpoints as JSON: format tag, network name, both matrices (rank 6), the optimizer's
 * settings and state, the step, λ, the schedule position and the seed. Written atomically
 * (temp file, then rename), so a crash or Ctrl-C never leaves a half-written checkpoint.
 */
final class Checkpoint {
    static final String FORMAT = "dmm-checkpoint/1";

    private Checkpoint() {}

    static void save(Trainer t, Path file) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("format", FORMAT);
            g.writeStringField("network", t.net.name());
            g.writeNumberField("step", t.step);
            g.writeNumberField("lambda", t.lambda());
            g.writeNumberField("seed", t.seed);
            g.writeObjectFieldStart("schedule");
            for (Map.Entry<String, Double> e : t.schedule.entrySet()) g.writeNumberField(e.getKey(), e.getValue());
            g.writeEndObject();
            g.writeFieldName("soft");
            VValueJson.write(dmm.ad.Ops.primal(t.net.softMatrix()), g);
            g.writeFieldName("hard");
            VValueJson.write(t.net.hardMatrix(), g);
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
            throw new TrainingError("cannot write the checkpoint " + file + ": " + e.getMessage());
        }
    }

    static void load(Trainer t, Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new TrainingError("checkpoint not found: " + file);
        } catch (IOException e) {
            throw new TrainingError("checkpoint " + file + " is corrupt (not valid JSON): " + firstLine(e.getMessage()));
        }
        try {
            if (root == null || !FORMAT.equals(text(root, "format")))
                throw new TrainingError("checkpoint " + file + " is not a dmm checkpoint (expected \"format\": \"" + FORMAT + "\")");
            long step = root.path("step").asLong(-1);
            if (step < 0) throw bad(file, "step");
            double lambda = number(root, "lambda", file);
            Map<String, Double> sched = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : root.path("schedule").properties()) sched.put(e.getKey(), e.getValue().asDouble());
            VValue soft = vvalue(root, "soft", file), hard = vvalue(root, "hard", file);
            JsonNode o = root.path("optimizer");
            if (!t.optimizer.kind().equals(o.path("kind").asText()))
                throw new TrainingError("checkpoint " + file + " holds a " + o.path("kind").asText() + " optimizer, this run uses " + t.optimizer.kind());
            Map<String, Object> opt = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                JsonNode v = e.getValue();
                if (v.isTextual()) opt.put(e.getKey(), v.asText());
                else if (v.isNumber() && !(e.getKey().equals("m") || e.getKey().equals("v") || e.getKey().equals("velocity"))) opt.put(e.getKey(), v.asDouble());
                else opt.put(e.getKey(), VValueJson.read(v.toString()));
            }
            Network n = t.net;
            CheckpointCheck.validate(file, text(root, "network"), n, soft, hard, t.optimizer.state(), opt);
            t.restoreState(n.withHardMatrix(hard).withSoftMatrix(soft), step, lambda, opt, sched);
        } catch (VValueJson.JsonFormatException e) {
            throw new TrainingError("checkpoint " + file + " is corrupt: " + e.getMessage());
        }
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
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
        return VValueJson.read(v.toString());
    }

    private static TrainingError bad(Path file, String field) {
        return new TrainingError("checkpoint " + file + " is corrupt: missing or invalid \"" + field + "\"");
    }
}
