package dmm.train;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Settings records with named fields: a record of numbers and flags whose components carry a
 * {@link Doc}, with defaults given by an instance. Options are named in kebab case
 * ({@code recoverSteps} is {@code :recover-steps}).
 */
public final class Settings {
    private Settings() {}

    /** One setting: its option name, Java type, default and doc. */
    public record Setting(String option, Class<?> type, Object defaultValue, String doc) {}

    public static <R extends Record> List<Setting> of(Class<R> type, R defaults) {
        List<Setting> out = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            Doc d = c.getAnnotation(Doc.class);
            out.add(new Setting(kebab(c.getName()), c.getType(), value(c, defaults), d == null ? "" : d.value()));
        }
        return out;
    }

    /** The option names, in declaration order. */
    public static <R extends Record> List<String> options(Class<R> type) {
        List<String> out = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) out.add(kebab(c.getName()));
        return out;
    }

    /**
     * A record with the given values by option name (numbers as {@code Double}/{@code Long},
     * flags as {@code Boolean}) and the defaults for the rest.
     */
    public static <R extends Record> R with(Class<R> type, R defaults, Map<String, Object> values) {
        RecordComponent[] cs = type.getRecordComponents();
        Object[] args = new Object[cs.length];
        Class<?>[] types = new Class<?>[cs.length];
        for (int i = 0; i < cs.length; i++) {
            types[i] = cs[i].getType();
            Object v = values.containsKey(kebab(cs[i].getName())) ? values.get(kebab(cs[i].getName())) : value(cs[i], defaults);
            args[i] = convert(v, types[i]);
        }
        try {
            return type.getDeclaredConstructor(types).newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
        }
    }

    /** {@code :threshold (0.01) doc; :recover-steps (100) doc; ...} for docstrings. */
    public static <R extends Record> String describe(Class<R> type, R defaults) {
        StringBuilder sb = new StringBuilder();
        for (Setting s : of(type, defaults)) {
            if (sb.length() > 0) sb.append("; ");
            sb.append(':').append(s.option()).append(" (").append(format(s.defaultValue())).append(") ").append(s.doc());
        }
        return sb.toString();
    }

    private static Object convert(Object v, Class<?> t) {
        if (t == double.class) return ((Number) v).doubleValue();
        if (t == long.class) return ((Number) v).longValue();
        if (t == int.class) return ((Number) v).intValue();
        if (t == boolean.class) return (Boolean) v;
        return v;
    }

    private static String format(Object v) {
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) return String.format(Locale.ROOT, "%.1f", d);
        return String.valueOf(v);
    }

    private static Object value(RecordComponent c, Object instance) {
        try {
            return c.getAccessor().invoke(instance);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static String kebab(String camel) {
        StringBuilder sb = new StringBuilder();
        for (char ch : camel.toCharArray()) {
            if (Character.isUpperCase(ch)) sb.append('-').append(Character.toLowerCase(ch));
            else sb.append(ch);
        }
        return sb.toString();
    }
}
