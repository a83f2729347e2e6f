package dmm.study;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A study: a program run once for every combination of the grid's settings and every seed.
 * A run sees its settings as command-line arguments ({@code --name value}; {@code true} as a
 * bare {@code --name}, {@code false} left out), then {@code --seed S} and {@code --out DIR} (its
 * own folder), so any program that reads options — like {@code examples/synthesis.dmm} — can be
 * studied; it reports its result row with {@code (study-result! {:metric value ...})}.
 *
 * @param grid setting name → the values it takes (numbers, strings, booleans), in order
 */
public record Study(String name, Path program, Map<String, List<Object>> grid, List<Long> seeds, List<String> extraArgs,
                    Map<String, List<String>> cases) {
    /** A study over a grid of settings. */
    public Study(String name, Path program, Map<String, List<Object>> grid, List<Long> seeds, List<String> extraArgs) {
        this(name, program, grid, seeds, extraArgs, Map.of());
    }

    public Study {
        cases = Collections.unmodifiableMap(new LinkedHashMap<>(cases));
        if (!cases.isEmpty() && !grid.isEmpty()) throw new IllegalArgumentException("a study has a grid or named cases, not both");
        if (name == null || name.isBlank()) throw new IllegalArgumentException("a study needs a name");
        grid = Collections.unmodifiableMap(new LinkedHashMap<>(grid));
        seeds = List.copyOf(seeds);
        extraArgs = List.copyOf(extraArgs);
        if (seeds.isEmpty()) throw new IllegalArgumentException("a study needs at least one seed");
        if (new HashSet<>(seeds).size() != seeds.size())
            throw new IllegalArgumentException("the seeds " + seeds + " list a seed twice: each run of a study must differ from the others");
        for (Map.Entry<String, List<Object>> e : grid.entrySet()) {
            if (e.getValue().isEmpty()) throw new IllegalArgumentException("the setting `" + e.getKey() + "` has no values");
            checkName(e.getKey(), "setting name");
            Set<String> seen = new HashSet<>();
            for (Object v : e.getValue()) {
                checkName(format(v), "value of `" + e.getKey() + "`");
                if (!seen.add(format(v)))
                    throw new IllegalArgumentException("the setting `" + e.getKey() + "` lists the value " + format(v)
                            + " twice (1 and 1.0 are the same setting): each run of a study must differ from the others");
            }
        }
        for (String c : cases.keySet()) checkName(c, "case name");
    }

    /**
     * One run: its settings (in grid order; for named cases {@code {case NAME}}), its seed, an id
     * naming both, and for a named case the arguments it stands for.
     */
    public record Run(String id, Map<String, Object> settings, long seed, List<String> caseArgs) {
        public Run(String id, Map<String, Object> settings, long seed) {
            this(id, settings, seed, null);
        }

        /** The program's command-line arguments for this run. */
        public List<String> args(Path out, List<String> extra) {
            List<String> a = new ArrayList<>();
            if (caseArgs != null) a.addAll(caseArgs);
            else for (Map.Entry<String, Object> e : settings.entrySet()) {
                Object v = e.getValue();
                if (v instanceof Boolean b) {
                    if (b) a.add("--" + e.getKey());
                } else {
                    a.add("--" + e.getKey());
                    a.add(format(v));
                }
            }
            a.addAll(List.of("--seed", Long.toString(seed), "--out", out.toString()));
            a.addAll(extra);
            return a;
        }

        /** The settings as one label, e.g. {@code lr=0.001 full-gradient=true}. */
        public String settingsLabel() {
            return label(settings);
        }
    }

    /** Every run, settings varying slowest-first in grid order (or the cases in order), then seeds. */
    public List<Run> runs() {
        if (!cases.isEmpty()) {
            List<Run> out = new ArrayList<>();
            for (Map.Entry<String, List<String>> c : cases.entrySet())
                for (long s : seeds)
                    out.add(new Run("case=" + c.getKey() + ",seed=" + s, Map.of("case", c.getKey()), s, List.copyOf(c.getValue())));
            return out;
        }
        List<Map<String, Object>> combos = new ArrayList<>();
        combos.add(new LinkedHashMap<>());
        for (Map.Entry<String, List<Object>> e : grid.entrySet()) {
            List<Map<String, Object>> next = new ArrayList<>();
            for (Map<String, Object> c : combos)
                for (Object v : e.getValue()) {
                    Map<String, Object> m = new LinkedHashMap<>(c);
                    m.put(e.getKey(), v);
                    next.add(m);
                }
            combos = next;
        }
        List<Run> out = new ArrayList<>();
        for (Map<String, Object> c : combos)
            for (long s : seeds) {
                String id = (c.isEmpty() ? "" : label(c).replace(' ', ',') + ",") + "seed=" + s;
                out.add(new Run(id, Collections.unmodifiableMap(c), s));
            }
        return out;
    }

    /** Run ids and their folders are built from names and values: keep them unambiguous. */
    private static void checkName(String s, String what) {
        if (s.isEmpty() || !s.matches("[A-Za-z0-9._+-]+"))
            throw new IllegalArgumentException("a study's " + what + " may use letters, digits and . _ + - only, got \"" + s + "\"");
    }

    static String label(Map<String, Object> settings) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Object> e : settings.entrySet()) {
            if (sb.length() > 0) sb.append(' ');
            sb.append(e.getKey()).append('=').append(format(e.getValue()));
        }
        return sb.length() == 0 ? "(no settings)" : sb.toString();
    }

    static String format(Object v) {
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString(d.longValue());
        if (v instanceof Double d) return String.format(Locale.ROOT, "%s", d);
        return String.valueOf(v);
    }
}
