package dmm.view;

import com.fasterxml.jackson.databind.JsonNode;
import dmm.bind.MachineLib;
import dmm.bind.TrainRuns;
import dmm.lang.Interpreter;
import dmm.machine.Runner;
import dmm.train.Settings;
import dmm.train.Sparsifier;
import dmm.train.TrainControl;
import dmm.train.TrainRun;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The only things the page can ask for: pause, resume or stop a training run; a new learning
 * rate, λ or schedule parameters; cut or restore a link; pause or resume a live network. Each
 * arrives as a JSON object naming its action and goes through the same queue as the REPL's
 * forms ({@link TrainRun#submit}, applied at a step boundary). Nothing else is accepted — in
 * particular no code is ever evaluated.
 */
final class Actions {
    /** The reply: an HTTP status and a message. */
    record Result(int status, String message) {}

    static final Set<String> NAMES = Set.of("pause", "resume", "stop", "set-lr", "set-l1", "set-schedule", "cut-link", "restore-link",
            "pause-network", "resume-network");

    private final Interpreter interp;

    Actions(Interpreter interp) {
        this.interp = interp;
    }

    Result perform(JsonNode a) {
        if (a == null || !a.isObject() || !a.path("action").isTextual()) return new Result(400, "an action is a JSON object with \"action\"");
        String action = a.get("action").asText();
        if (!NAMES.contains(action)) return new Result(400, "unknown action `" + action + "`; the actions are " + String.join(", ", new TreeSet<>(NAMES)));
        try {
            if (action.endsWith("-network")) return network(action, a);
            TrainRun run = run(a);
            if (run == null) return new Result(404, "no training run " + a.path("run"));
            switch (action) {
                case "pause" -> run.pause();
                case "resume" -> run.resume();
                case "stop" -> run.stop(0);   // returns at once; the run stops at its next step boundary
                case "set-lr" -> run.submit(TrainControl.learningRate(number(a, "value")));
                case "set-l1" -> run.submit(TrainControl.lambda(number(a, "value")));
                case "set-schedule" -> run.submit(run.trainer().control().schedule(schedule(a.path("settings"))));
                case "cut-link" -> run.submit(run.trainer().control().cut(run.trainer().network(), path(a)));
                case "restore-link" -> run.submit(run.trainer().control().restore(run.trainer().network(), path(a), a.has("weight") ? number(a, "weight") : Double.NaN));
                default -> throw new IllegalStateException(action);
            }
            return new Result(200, action + " sent to run " + run.id() + " (" + run.name() + ")");
        } catch (IllegalArgumentException e) {
            return new Result(400, e.getMessage());
        } catch (RuntimeException e) {
            return new Result(409, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private TrainRun run(JsonNode a) {
        if (!a.path("run").canConvertToInt()) throw new IllegalArgumentException("\"run\" must be the id of a training run");
        return TrainRuns.runs(interp).get(a.get("run").asInt());
    }

    private Result network(String action, JsonNode a) {
        String name = a.path("network").asText("");
        Runner r = MachineLib.runners(interp).get(name);
        if (r == null || r.isStopped()) return new Result(404, "no network named `" + name + "` is running");
        if (action.equals("pause-network")) r.pause();
        else r.resume();
        return new Result(200, action + " " + name);
    }

    private static double number(JsonNode a, String field) {
        JsonNode v = a.get(field);
        if (v == null || !v.isNumber()) throw new IllegalArgumentException("\"" + field + "\" must be a number");
        return v.asDouble();
    }

    private static List<String> path(JsonNode a) {
        JsonNode p = a.get("link");
        if (p == null || !p.isArray() || p.size() < 6) throw new IllegalArgumentException("\"link\" must be a matrix path [to-type to to-field from-type from from-field ...]");
        List<String> out = new ArrayList<>();
        for (JsonNode x : p) {
            if (!x.isTextual()) throw new IllegalArgumentException("\"link\" must hold strings");
            out.add(x.asText());
        }
        return out;
    }

    private static Map<String, Object> schedule(JsonNode s) {
        if (!s.isObject()) throw new IllegalArgumentException("\"settings\" must be an object of schedule parameters");
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Class<?>> types = new LinkedHashMap<>();
        for (Settings.Setting x : Settings.of(Sparsifier.Schedule.class, Sparsifier.Schedule.DEFAULTS)) types.put(x.option(), x.type());
        s.fields().forEachRemaining(e -> {
            Class<?> t = types.get(e.getKey());
            if (t == null) throw new IllegalArgumentException("the schedule has no parameter `" + e.getKey() + "`");
            JsonNode v = e.getValue();
            if (t == boolean.class) {
                if (!v.isBoolean()) throw new IllegalArgumentException("`" + e.getKey() + "` must be true or false");
                out.put(e.getKey(), v.asBoolean());
            } else {
                if (!v.isNumber()) throw new IllegalArgumentException("`" + e.getKey() + "` must be a number");
                out.put(e.getKey(), t == double.class ? (Object) v.asDouble() : (Object) v.asLong());
            }
        });
        return out;
    }
}
