package dmm.train;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The documentation of one setting of a settings record (e.g. {@link Sparsifier.Schedule}): the
 * record declares each setting's name, type and doc once, its {@code DEFAULTS} constant the
 * defaults, and the language's option parsing and docstrings are generated from them.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Doc {
    String value();
}
