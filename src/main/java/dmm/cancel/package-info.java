/**
 * Cooperative cancellation shared by every layer: a {@link dmm.cancel.CancelToken} per run
 * (the REPL's evaluation, one live network's thread), checked at loop back-edges, calls, cycle
 * and step boundaries; a request surfaces as {@link dmm.cancel.Cancelled}. Depends on nothing.
 */
package dmm.cancel;
