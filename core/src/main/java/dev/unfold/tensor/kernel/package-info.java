/**
 * Raw-array loops: matmul, element-wise maps and broadcasting, reductions, layout copies.
 *
 * <p><b>Internal, not API.</b> The classes are public only so that {@code dev.unfold.tensor.Tensor}
 * can call them; signatures may change at any time. This is the only package that indexes raw
 * arrays, so speed work (SIMD, blocking, threads) has one place to go. Every method writes only
 * into the output array it is given and never modifies its inputs.
 */
package dev.unfold.tensor.kernel;
