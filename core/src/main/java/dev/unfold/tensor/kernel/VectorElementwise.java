package dev.unfold.tensor.kernel;

import static dev.unfold.tensor.kernel.Transcendental.C;
import static dev.unfold.tensor.kernel.Transcendental.EXP_MIN;
import static dev.unfold.tensor.kernel.Transcendental.LN2_HI;
import static dev.unfold.tensor.kernel.Transcendental.LN2_LO;
import static dev.unfold.tensor.kernel.Transcendental.LOG2E;
import static dev.unfold.tensor.kernel.Transcendental.P0;
import static dev.unfold.tensor.kernel.Transcendental.P1;
import static dev.unfold.tensor.kernel.Transcendental.P2;
import static dev.unfold.tensor.kernel.Transcendental.Q0;
import static dev.unfold.tensor.kernel.Transcendental.Q1;
import static dev.unfold.tensor.kernel.Transcendental.Q2;
import static dev.unfold.tensor.kernel.Transcendental.SHIFTER;
import static dev.unfold.tensor.kernel.Transcendental.SHIFTER_BITS;
import static dev.unfold.tensor.kernel.Transcendental.TANH_SPLIT;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The recurrent nonlinearities on the incubating Vector API: {@link Transcendental}'s formulas
 * lane by lane, operation for operation, so the results are the scalar ones bit for bit, with
 * both branches of each formula computed and blended (no branch in the loop). Only
 * {@link Elementwise} calls this class, and only when {@link Kernels#vectorized()}.
 */
final class VectorElementwise {
  private VectorElementwise() {}

  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;

  static void tanh(double[] x, double[] out) {
    tanh(x, 0, out, 0, x.length);
  }

  static void sigmoid(double[] x, double[] out) {
    sigmoid(x, 0, out, 0, x.length);
  }

  // NOTE: no helper method takes or returns a DoubleVector. A helper that C2 compiled on its own
  // first (it gets hot before its caller) is then too big to inline, and every call boxes its
  // vectors: in a std LSTM training step that was 160 bytes per 8 elements, 40 MB per step, in
  // some JVM runs and not others.
  // NOTE: tanh and σ run as two loops in two methods, the exponential first, so that each C2
  // compilation stays small. C2 stops inlining once a compilation reaches its node budget
  // (LiveNodeCountInliningCutoff), and how close a loop gets varies from run to run: with the
  // whole of tanh in one loop, about one JVM run in eight left its last operations on the Java
  // fallback, allocating 12 to 48 bytes per element (5 to 20 MB per std RNN step) for the life of
  // the JVM. {@link #expOfScaledAbs} is larger than C2's hot inlining limit (325 bytes of
  // bytecode), so it is always compiled on its own. TrainingStepAllocationTest in bench guards it.

  /** Chunk of the exponentials' scratch: small enough to stay in L1 between the two loops. */
  private static final int CHUNK = 512;
  private static final ThreadLocal<double[]> EXP = ThreadLocal.withInitial(() -> new double[CHUNK]);

  /**
   * {@code out[to + k] = tanh(x[from + k])} for {@code k < n}: a row segment of a larger array.
   * {@code out} may be {@code x} with {@code to == from} (each lane is read before it is written).
   * {@link Transcendental#tanh} lane by lane.
   */
  static void tanh(double[] x, int from, double[] out, int to, int n) {
    double[] e = EXP.get();
    for (int c = 0; c < n; c += CHUNK) {
      int m = Math.min(CHUNK, n - c);
      expOfScaledAbs(x, from + c, -2.0, EXP_MIN, e, m);
      tanhFromExp(x, from + c, e, out, to + c, m);
    }
  }

  /**
   * {@code out[to + k] = σ(x[from + k])} for {@code k < n}; in place as {@link #tanh(double[], int, double[], int, int)}.
   * {@link Transcendental#sigmoid} lane by lane.
   */
  static void sigmoid(double[] x, int from, double[] out, int to, int n) {
    double[] e = EXP.get();
    for (int c = 0; c < n; c += CHUNK) {
      int m = Math.min(CHUNK, n - c);
      expOfScaledAbs(x, from + c, -1.0, EXP_MIN, e, m);
      sigmoidFromExp(x, from + c, e, out, to + c, m);
    }
  }

  /** {@code e[k] = exp(x[k])} for {@code k < n} and {@code x[k] ≤ 0}: {@link Transcendental#expNonPositive} lane by lane. */
  static void expNonPositive(double[] x, double[] e, int n) {
    // exp(−|x|) = exp(x) for x ≤ 0; the clamp at EXP_MIN is the scalar's own.
    expOfScaledAbs(x, 0, -1.0, EXP_MIN, e, n);
  }

  /**
   * {@code e[k] = exp(max(scale·|x[from + k]|, min))} for {@code k < n} and {@code scale < 0}:
   * {@link Transcendental#expNonPositive} lane by lane.
   */
  private static void expOfScaledAbs(double[] x, int from, double scale, double min, double[] e, int n) {
    int k = 0;
    for (int bound = S.loopBound(n); k < bound; k += S.length()) {
      DoubleVector y = DoubleVector.fromArray(S, x, from + k).abs().mul(scale).max(min);
      DoubleVector t = y.fma(LOG2E, SHIFTER);
      DoubleVector mn = t.sub(SHIFTER).neg();
      DoubleVector r = mn.fma(DoubleVector.broadcast(S, LN2_HI), y);
      r = mn.fma(DoubleVector.broadcast(S, LN2_LO), r);
      DoubleVector p = DoubleVector.broadcast(S, C[11]);
      for (int i = 10; i >= 0; i--) {
        p = p.fma(r, DoubleVector.broadcast(S, C[i]));
      }
      DoubleVector one = DoubleVector.broadcast(S, 1.0);
      p = p.fma(r, one);
      p = p.fma(r, one);
      LongVector kk = ((LongVector) t.viewAsIntegralLanes()).sub(SHIFTER_BITS);
      LongVector k1 = kk.lanewise(VectorOperators.ASHR, 1);
      LongVector k2 = kk.sub(k1);
      DoubleVector s1 = (DoubleVector) k1.add(1023).lanewise(VectorOperators.LSHL, 52).viewAsFloatingLanes();
      DoubleVector s2 = (DoubleVector) k2.add(1023).lanewise(VectorOperators.LSHL, 52).viewAsFloatingLanes();
      p.mul(s1).mul(s2).intoArray(e, k);
    }
    for (; k < n; k++) {
      e[k] = Transcendental.expNonPositive(Math.max(scale * Math.abs(x[from + k]), min));
    }
  }

  /** tanh from {@code e = exp(−2|x|)}, signed by comparisons (Transcendental.tanh says why). */
  private static void tanhFromExp(double[] x, int from, double[] e, double[] out, int to, int n) {
    int k = 0;
    for (int bound = S.loopBound(n); k < bound; k += S.length()) {
      DoubleVector v = DoubleVector.fromArray(S, x, from + k);
      DoubleVector ev = DoubleVector.fromArray(S, e, k);
      DoubleVector large = ev.neg().add(1.0).div(ev.add(1.0));
      large = large.blend(large.neg(), v.compare(VectorOperators.LT, 0.0));
      DoubleVector sq = v.mul(v);
      DoubleVector num = DoubleVector.broadcast(S, P0).fma(sq, DoubleVector.broadcast(S, P1))
          .fma(sq, DoubleVector.broadcast(S, P2));
      DoubleVector den = sq.add(Q0).fma(sq, DoubleVector.broadcast(S, Q1)).fma(sq, DoubleVector.broadcast(S, Q2));
      DoubleVector small = v.mul(sq).fma(num.div(den), v);
      small.blend(large, v.abs().compare(VectorOperators.GE, TANH_SPLIT))
          .blend(v, v.compare(VectorOperators.EQ, 0.0))
          .intoArray(out, to + k);
    }
    for (; k < n; k++) {
      out[to + k] = Transcendental.tanh(x[from + k]);
    }
  }

  /** σ from {@code e = exp(−|x|)}: {@code 1/(1+e)}, times {@code e} below zero. */
  private static void sigmoidFromExp(double[] x, int from, double[] e, double[] out, int to, int n) {
    int k = 0;
    for (int bound = S.loopBound(n); k < bound; k += S.length()) {
      DoubleVector v = DoubleVector.fromArray(S, x, from + k);
      DoubleVector ev = DoubleVector.fromArray(S, e, k);
      DoubleVector q = DoubleVector.broadcast(S, 1.0).div(ev.add(1.0));
      q.blend(ev.mul(q), v.compare(VectorOperators.LT, 0.0)).intoArray(out, to + k);
    }
    for (; k < n; k++) {
      out[to + k] = Transcendental.sigmoid(x[from + k]);
    }
  }
}
