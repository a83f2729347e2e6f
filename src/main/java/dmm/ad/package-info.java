/**
 * Reverse-mode automatic differentiation over V-values, on a dynamic tape.
 *
 * <p>While a function runs under {@link dmm.ad.Grad}, every primitive of {@link dmm.ad.Ops}
 * that touches a {@link dmm.ad.Tracked} value records one tape entry with its pullback (output
 * cotangent → input cotangents), written right beside its forward rule. The backward pass walks
 * the tape once in reverse, accumulating cotangents in mutable {@link VBuilder}s.
 *
 * <p>Depends only on {@code vvalue}; knows nothing of the language or of networks.
 */
package dmm.ad;

import dmm.vvalue.VBuilder;
