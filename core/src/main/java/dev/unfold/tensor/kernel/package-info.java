/**
 * Raw-array loops: matmul, element-wise maps and broadcasting, reductions, layout copies.
 *
 * <p><b>Internal, not API.</b> The classes are public only so that {@code dev.unfold.tensor.Tensor}
 * can call them; signatures may change at any time. This is the only package that indexes raw
 * arrays, so speed work (SIMD, blocking, threads) has one place to go. Every method writes only
 * into the output array it is given and never modifies its inputs.
 *
 * <p>{@link dev.unfold.tensor.kernel.Kernels} chooses between SIMD kernels on the incubating
 * Vector API (only when the JVM runs with {@code --add-modules jdk.incubator.vector}; the classes
 * named {@code Vector*} are touched only then) and plain loops. Both paths give the same bits,
 * on any number of threads and in every JIT tier; the one documented exception is in
 * {@link dev.unfold.tensor.kernel.MatMul}.
 */
package dev.unfold.tensor.kernel;
