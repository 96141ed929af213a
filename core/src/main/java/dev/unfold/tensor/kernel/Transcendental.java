package dev.unfold.tensor.kernel;

/**
 * Scalar {@code exp} (of non-positive arguments), {@code tanh} and the logistic function from
 * basic IEEE operations only (add, multiply, divide, fused multiply-add, bit operations), written
 * step for step as {@link VectorElementwise} computes them lane by lane, so both give the same
 * bits. Accurate to about 2 ulp.
 *
 * <p>NOTE: why not {@link Math#tanh} or the Vector API's {@code TANH}/{@code EXP}: in JDK 17
 * {@code Math.tanh} is a JNI call (about 28 ns here), and the Vector API's transcendental ops
 * give different last bits when interpreted than when compiled, so a training run would not
 * reproduce itself while the JIT warms up. Basic operations round the same way in every tier.
 */
final class Transcendental {
  private Transcendental() {}

  static final double LOG2E = 1.4426950408889634;
  /** ln 2 split in two (fdlibm): n·LN2_HI is exact for |n| < 2¹¹. */
  static final double LN2_HI = 6.93147180369123816490e-01;
  static final double LN2_LO = 1.90821492927058770002e-10;
  /** Adding 1.5·2⁵² rounds to an integer, which then sits in the low bits of the representation. */
  static final double SHIFTER = 0x1.8p52;
  static final long SHIFTER_BITS = Double.doubleToRawLongBits(SHIFTER);
  /** exp(−1000) underflows to 0; clamping there keeps the integer part in range. */
  static final double EXP_MIN = -1000;
  /** Taylor coefficients 1/k! for k = 2…13: the remainder on |r| ≤ ln2/2 is below 5e-18. */
  static final double[] C = {
    1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320, 1.0 / 362880, 1.0 / 3628800,
    1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800L};
  /** Cephes' rational tanh for |x| &lt; 0.625: x + x·s·P(s)/Q(s) with s = x², relative error about 3e-16. */
  static final double P0 = -9.64399179425052238628E-1;
  static final double P1 = -9.92877231001918586564E1;
  static final double P2 = -1.61468768441708447952E3;
  static final double Q0 = 1.12811678491632931402E2;
  static final double Q1 = 2.23548839060100448583E3;
  static final double Q2 = 4.84406305325125486048E3;
  static final double TANH_SPLIT = 0.625;

  /** {@code exp(x)} for {@code x ≤ 0} (NaN stays NaN); larger arguments are not supported. */
  static double expNonPositive(double x) {
    double y = Math.max(x, EXP_MIN);
    double t = Math.fma(y, LOG2E, SHIFTER);
    double n = t - SHIFTER;
    double r = Math.fma(-n, LN2_HI, y);
    r = Math.fma(-n, LN2_LO, r);
    double p = C[11];
    for (int i = 10; i >= 0; i--) {
      p = Math.fma(p, r, C[i]);
    }
    p = Math.fma(p, r, 1.0);
    p = Math.fma(p, r, 1.0);
    // 2ⁿ as two factors, so that n down to −1443 never leaves the normal exponent range.
    long k = Double.doubleToRawLongBits(t) - SHIFTER_BITS;
    long k1 = k >> 1;
    long k2 = k - k1;
    double s1 = Double.longBitsToDouble((k1 + 1023) << 52);
    double s2 = Double.longBitsToDouble((k2 + 1023) << 52);
    return p * s1 * s2;
  }

  /**
   * {@code tanh(x)}: Cephes' rational form below 0.625, {@code ±(1 − e)/(1 + e)} with
   * {@code e = exp(−2|x|)} above. The rational form {@code x + x·s·P/Q} carries the sign itself
   * (round-to-nearest is symmetric), the other form takes it from a comparison, and ±0 is
   * returned as it is: no bit operations, which keeps the vector loop small (see
   * {@link VectorElementwise}).
   */
  static double tanh(double x) {
    double a = Math.abs(x);
    double e = expNonPositive(-2.0 * a);
    double large = (1.0 - e) / (1.0 + e);
    large = x < 0 ? -large : large;
    double s = x * x;
    double num = Math.fma(Math.fma(P0, s, P1), s, P2);
    double den = Math.fma(Math.fma(s + Q0, s, Q1), s, Q2);
    double small = Math.fma(x * s, num / den, x);
    double z = a >= TANH_SPLIT ? large : small;
    return x == 0 ? x : z;
  }

  /** {@code σ(x)} with {@code e = exp(−|x|)}: {@code 1/(1+e)} for x ≥ 0, {@code e·1/(1+e)} below, never overflowing. */
  static double sigmoid(double x) {
    double e = expNonPositive(-Math.abs(x));
    double r = 1.0 / (1.0 + e);
    return x < 0 ? e * r : r;
  }
}
