/**
 * V-values: sparse prefix trees with numeric leaves (DMM-SEMANTICS §1), their algebra,
 * printing in the language's literal syntax, and JSON in/out.
 *
 * <p>This package depends on nothing else in dmm. Everything else stands on it.
 */
package dmm.vvalue;
