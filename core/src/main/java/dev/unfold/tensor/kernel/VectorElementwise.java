package dev.unfold.tensor.kernel;

import static dev.unfold.tensor.kernel.Transcendental.C;
import static dev.unfold.tensor.kernel.Transcendental.EXP_MIN;
import static dev.unfold.tensor.kernel.Transcendental.EXP_MIN_F;
import static dev.unfold.tensor.kernel.Transcendental.EXP_Q;
import static dev.unfold.tensor.kernel.Transcendental.LN2_HI;
import static dev.unfold.tensor.kernel.Transcendental.LN2_HI_F;
import static dev.unfold.tensor.kernel.Transcendental.LN2_LO;
import static dev.unfold.tensor.kernel.Transcendental.LN2_LO_F;
import static dev.unfold.tensor.kernel.Transcendental.LOG2E;
import static dev.unfold.tensor.kernel.Transcendental.LOG2E_F;
import static dev.unfold.tensor.kernel.Transcendental.P0;
import static dev.unfold.tensor.kernel.Transcendental.P1;
import static dev.unfold.tensor.kernel.Transcendental.P2;
import static dev.unfold.tensor.kernel.Transcendental.Q0;
import static dev.unfold.tensor.kernel.Transcendental.Q1;
import static dev.unfold.tensor.kernel.Transcendental.Q2;
import static dev.unfold.tensor.kernel.Transcendental.SHIFTER;
import static dev.unfold.tensor.kernel.Transcendental.SHIFTER_BITS;
import static dev.unfold.tensor.kernel.Transcendental.SHIFTER_F;
import static dev.unfold.tensor.kernel.Transcendental.SHIFTER_F_BITS;
import static dev.unfold.tensor.kernel.Transcendental.T0;
import static dev.unfold.tensor.kernel.Transcendental.T1;
import static dev.unfold.tensor.kernel.Transcendental.T2;
import static dev.unfold.tensor.kernel.Transcendental.T3;
import static dev.unfold.tensor.kernel.Transcendental.T4;
import static dev.unfold.tensor.kernel.Transcendental.TANH_SPLIT;
import static dev.unfold.tensor.kernel.Transcendental.TANH_SPLIT_F;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The recurrent nonlinearities on the incubating Vector API: {@link Transcendental}'s formulas
 * lane by lane, operation for operation, so the results are the scalar ones bit for bit, with
 * both branches of each formula computed and blended (no branch in the loop); in float64
 * ({@link DoubleVector}) and in float32 ({@link FloatVector}, twice the lanes). Only the
 * dispatchers of {@link Elementwise}, {@link RecurrentKernels} and {@link FloatKernels} call this
 * class, and only when {@link Kernels#vectorized()}.
 */
final class VectorElementwise {
  private VectorElementwise() {}

  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

  static void tanh(double[] x, double[] out) {
    tanh(x, 0, out, 0, x.length);
  }

  static void sigmoid(double[] x, double[] out) {
    sigmoid(x, 0, out, 0, x.length);
  }

  // NOTE: no helper method takes or returns a DoubleVector or FloatVector. A helper that C2 compiled on its own
  // first (it gets hot before its caller) is then too big to inline, and every call boxes its
  // vectors: in a std LSTM training step that was 160 bytes per 8 elements, 40 MB per step, in
  // some JVM runs and not others.
  // NOTE: tanh and σ run as two loops in two methods, the exponential first, so that each C2
  // compilation stays small. C2 stops inlining once a compilation reaches its node budget
  // (LiveNodeCountInliningCutoff), and how close a loop gets varies from run to run: with the
  // whole of tanh in one loop, about one JVM run in eight left its last operations on the Java
  // fallback, allocating 12 to 48 bytes per element (5 to 20 MB per std RNN step) for the life of
  // the JVM. Both {@code expOfScaledAbs} are larger than C2's hot inlining limit (325 bytes of
  // bytecode: float64 340, float32 328; check with javap after a change), so each is always
  // compiled on its own. TrainingStepAllocationTest in bench guards it.

  /** Chunk of the exponentials' scratch: small enough to stay in L1 between the two loops. */
  private static final int CHUNK = 512;
  private static final ThreadLocal<double[]> EXP = ThreadLocal.withInitial(() -> new double[CHUNK]);
  private static final ThreadLocal<float[]> EXP_F = ThreadLocal.withInitial(() -> new float[CHUNK]);

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

  // ---------------------------------------------------------------- float32: the same structure

  /** {@link #tanh(double[], int, double[], int, int)} in float: {@link Transcendental#tanh(float)} lane by lane. */
  static void tanh(float[] x, int from, float[] out, int to, int n) {
    float[] e = EXP_F.get();
    for (int c = 0; c < n; c += CHUNK) {
      int m = Math.min(CHUNK, n - c);
      expOfScaledAbs(x, from + c, -2f, EXP_MIN_F, e, m);
      tanhFromExp(x, from + c, e, out, to + c, m);
    }
  }

  /** {@link #sigmoid(double[], int, double[], int, int)} in float: {@link Transcendental#sigmoid(float)} lane by lane. */
  static void sigmoid(float[] x, int from, float[] out, int to, int n) {
    float[] e = EXP_F.get();
    for (int c = 0; c < n; c += CHUNK) {
      int m = Math.min(CHUNK, n - c);
      expOfScaledAbs(x, from + c, -1f, EXP_MIN_F, e, m);
      sigmoidFromExp(x, from + c, e, out, to + c, m);
    }
  }

  /** {@link #expNonPositive(double[], double[], int)} in float: {@link Transcendental#expNonPositive(float)} lane by lane. */
  static void expNonPositive(float[] x, float[] e, int n) {
    expOfScaledAbs(x, 0, -1f, EXP_MIN_F, e, n);
  }

  /** {@link #expOfScaledAbs(double[], int, double, double, double[], int)} in float. */
  private static void expOfScaledAbs(float[] x, int from, float scale, float min, float[] e, int n) {
    int k = 0;
    for (int bound = F.loopBound(n); k < bound; k += F.length()) {
      FloatVector y = FloatVector.fromArray(F, x, from + k).abs().mul(scale).max(min);
      FloatVector t = y.fma(LOG2E_F, SHIFTER_F);
      FloatVector mn = t.sub(SHIFTER_F).neg();
      FloatVector r = mn.fma(FloatVector.broadcast(F, LN2_HI_F), y);
      r = mn.fma(FloatVector.broadcast(F, LN2_LO_F), r);
      FloatVector p = FloatVector.broadcast(F, EXP_Q[4]);
      for (int i = 3; i >= 0; i--) {
        p = p.fma(r, FloatVector.broadcast(F, EXP_Q[i]));
      }
      FloatVector one = FloatVector.broadcast(F, 1f);
      p = p.fma(r, one);
      p = p.fma(r, one);
      IntVector kk = ((IntVector) t.viewAsIntegralLanes()).sub(SHIFTER_F_BITS);
      IntVector k1 = kk.lanewise(VectorOperators.ASHR, 1);
      IntVector k2 = kk.sub(k1);
      FloatVector s1 = (FloatVector) k1.add(127).lanewise(VectorOperators.LSHL, 23).viewAsFloatingLanes();
      FloatVector s2 = (FloatVector) k2.add(127).lanewise(VectorOperators.LSHL, 23).viewAsFloatingLanes();
      p.mul(s1).mul(s2).intoArray(e, k);
    }
    for (; k < n; k++) {
      e[k] = Transcendental.expNonPositive(Math.max(scale * Math.abs(x[from + k]), min));
    }
  }

  /** tanh in float from {@code e = exp(−2|x|)}: {@code 1 − 2e/(1+e)} signed by a comparison, or x + x·s·T(s). */
  private static void tanhFromExp(float[] x, int from, float[] e, float[] out, int to, int n) {
    int k = 0;
    for (int bound = F.loopBound(n); k < bound; k += F.length()) {
      FloatVector v = FloatVector.fromArray(F, x, from + k);
      FloatVector ev = FloatVector.fromArray(F, e, k);
      FloatVector large = ev.add(ev).div(ev.add(1f)).neg().add(1f);
      large = large.blend(large.neg(), v.compare(VectorOperators.LT, 0f));
      FloatVector sq = v.mul(v);
      FloatVector p = FloatVector.broadcast(F, T4).fma(sq, FloatVector.broadcast(F, T3))
          .fma(sq, FloatVector.broadcast(F, T2)).fma(sq, FloatVector.broadcast(F, T1))
          .fma(sq, FloatVector.broadcast(F, T0));
      FloatVector small = v.mul(sq).fma(p, v);
      small.blend(large, v.abs().compare(VectorOperators.GE, TANH_SPLIT_F))
          .blend(v, v.compare(VectorOperators.EQ, 0f))
          .intoArray(out, to + k);
    }
    for (; k < n; k++) {
      out[to + k] = Transcendental.tanh(x[from + k]);
    }
  }

  /** σ in float from {@code e = exp(−|x|)}: {@code e} or 1, blended by sign, over {@code 1 + e}: one division. */
  private static void sigmoidFromExp(float[] x, int from, float[] e, float[] out, int to, int n) {
    int k = 0;
    for (int bound = F.loopBound(n); k < bound; k += F.length()) {
      FloatVector v = FloatVector.fromArray(F, x, from + k);
      FloatVector ev = FloatVector.fromArray(F, e, k);
      FloatVector.broadcast(F, 1f).blend(ev, v.compare(VectorOperators.LT, 0f)).div(ev.add(1f)).intoArray(out, to + k);
    }
    for (; k < n; k++) {
      out[to + k] = Transcendental.sigmoid(x[from + k]);
    }
  }
}
