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
import static dev.unfold.tensor.kernel.Transcendental.SIGN;
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

  // NOTE: the lane-wise formulas are written out inside the loops, with no helper method taking or
  // returning a DoubleVector. A helper that C2 compiled on its own first (it gets hot before its
  // caller) is then too big to inline, and every call boxes its vectors: in a std LSTM training
  // step that was 160 bytes per 8 elements, 40 MB per step, in some JVM runs and not others.

  /**
   * {@code out[to + k] = tanh(x[from + k])} for {@code k < n}: a row segment of a larger array.
   * {@code out} may be {@code x} with {@code to == from} (each lane is read before it is written).
   * {@link Transcendental#tanh} lane by lane.
   */
  static void tanh(double[] x, int from, double[] out, int to, int n) {
    int k = 0;
    for (int bound = S.loopBound(n); k < bound; k += S.length()) {
      DoubleVector v = DoubleVector.fromArray(S, x, from + k);
      DoubleVector a = v.abs();
      // e = exp(−2|x|), as Transcendental.expNonPositive
      DoubleVector y = a.mul(-2.0).max(EXP_MIN);
      DoubleVector t = y.fma(LOG2E, SHIFTER);
      DoubleVector m = t.sub(SHIFTER);
      DoubleVector r = m.neg().fma(DoubleVector.broadcast(S, LN2_HI), y);
      r = m.neg().fma(DoubleVector.broadcast(S, LN2_LO), r);
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
      DoubleVector e = p.mul(s1).mul(s2);
      // tanh from e
      DoubleVector large = e.neg().add(1.0).div(e.add(1.0));
      DoubleVector sq = v.mul(v);
      DoubleVector num = DoubleVector.broadcast(S, P0).fma(sq, DoubleVector.broadcast(S, P1))
          .fma(sq, DoubleVector.broadcast(S, P2));
      DoubleVector den = sq.add(Q0).fma(sq, DoubleVector.broadcast(S, Q1)).fma(sq, DoubleVector.broadcast(S, Q2));
      DoubleVector small = a.mul(sq).fma(num.div(den), a);
      DoubleVector z = small.blend(large, a.compare(VectorOperators.GE, TANH_SPLIT));
      LongVector sign = ((LongVector) v.viewAsIntegralLanes()).and(SIGN);
      ((DoubleVector) ((LongVector) z.viewAsIntegralLanes()).or(sign).viewAsFloatingLanes()).intoArray(out, to + k);
    }
    for (; k < n; k++) {
      out[to + k] = Transcendental.tanh(x[from + k]);
    }
  }

  /**
   * {@code out[to + k] = σ(x[from + k])} for {@code k < n}; in place as {@link #tanh(double[], int, double[], int, int)}.
   * {@link Transcendental#sigmoid} lane by lane.
   */
  static void sigmoid(double[] x, int from, double[] out, int to, int n) {
    int k = 0;
    for (int bound = S.loopBound(n); k < bound; k += S.length()) {
      DoubleVector v = DoubleVector.fromArray(S, x, from + k);
      // e = exp(−|x|), as Transcendental.expNonPositive
      DoubleVector y = v.abs().neg().max(EXP_MIN);
      DoubleVector t = y.fma(LOG2E, SHIFTER);
      DoubleVector m = t.sub(SHIFTER);
      DoubleVector r = m.neg().fma(DoubleVector.broadcast(S, LN2_HI), y);
      r = m.neg().fma(DoubleVector.broadcast(S, LN2_LO), r);
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
      DoubleVector e = p.mul(s1).mul(s2);
      // σ from e
      DoubleVector q = one.div(e.add(1.0));
      q.blend(e.mul(q), v.compare(VectorOperators.LT, 0.0)).intoArray(out, to + k);
    }
    for (; k < n; k++) {
      out[to + k] = Transcendental.sigmoid(x[from + k]);
    }
  }
}
