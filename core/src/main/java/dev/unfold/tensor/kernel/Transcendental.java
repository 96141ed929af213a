package dev.unfold.tensor.kernel;

/**
 * Scalar {@code exp} (of non-positive arguments), {@code tanh} and the logistic function, in
 * float64 and in float32, from basic IEEE operations only (add, multiply, divide, fused
 * multiply-add, bit operations), written step for step as {@link VectorElementwise} computes them
 * lane by lane, so both give the same bits. Accurate to about 2 ulp of their type.
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

  // ---------------------------------------------------------------- float32

  // NOTE: the float32 functions compute in float throughout (16 lanes of AVX-512 instead of 8, no
  // widening): the same reduction as float64, with a polynomial of float accuracy. Coefficients
  // were fitted for this class (Chebyshev interpolation at 5 nodes, mpmath at 40 digits) and
  // rounded to float; each fit's error is below a third of a float ulp of the result, and the
  // functions were checked against float64 over every float (FloatTranscendentalTest checks a
  // sample): tanh within 1 ulp and σ within 2 ulp of the correctly rounded value.

  static final float LOG2E_F = 1.44269504f;
  /** ln 2 split in two: LN2_HI_F = 355/512 has 9 bits, so n·LN2_HI_F and y − n·LN2_HI_F are exact for |n| ≤ 2⁸. */
  static final float LN2_HI_F = 0.693359375f;
  static final float LN2_LO_F = -2.12194442e-4f;
  /** Adding 1.5·2²³ rounds to an integer, which then sits in the low bits of the representation. */
  static final float SHIFTER_F = 0x1.8p23f;
  static final int SHIFTER_F_BITS = Float.floatToRawIntBits(SHIFTER_F);
  /** exp(−104) ≈ 6.8e-46 rounds to 0 (below half the least subnormal, 2⁻¹⁵⁰); clamping there keeps n ≥ −150. */
  static final float EXP_MIN_F = -104f;
  /**
   * {@code exp(r) = 1 + r + r²·Q(r)} on |r| ≤ ln2/2 with Q of degree 4, coefficients of r⁰…r⁴
   * ({@code Q(r) ≈ 1/2 + r/6 + …}): the fit's error is at most 6.5e-8 in Q, 7.8e-9 in exp(r)
   * (a float ulp is at least 6e-8 of it); Taylor's series needs degree 7 for the same.
   */
  static final float[] EXP_Q = {0.5f, 0.16666578f, 0.041666556f, 0.008363173f, 0.0013926176f};
  /**
   * {@code tanh(x) = x + x·s·T(s)} with {@code s = x²} below TANH_SPLIT_F, T of degree 4 with
   * coefficients of s⁰…s⁴ ({@code T(s) ≈ −1/3 + 2s/15 − …}): the fit's error is at most 4.3e-8 in
   * T, 1.7e-8 relative in tanh (a float ulp is at least 6e-8 of it).
   */
  static final float T0 = -0.33333328f;
  static final float T1 = 0.1333277f;
  static final float T2 = -0.053850908f;
  static final float T3 = 0.02099718f;
  static final float T4 = -0.006096714f;
  static final float TANH_SPLIT_F = 0.625f;

  /** {@code exp(x)} for {@code x ≤ 0} in float (NaN stays NaN); larger arguments are not supported. */
  static float expNonPositive(float x) {
    float y = Math.max(x, EXP_MIN_F);
    float t = Math.fma(y, LOG2E_F, SHIFTER_F);
    float n = t - SHIFTER_F;
    float r = Math.fma(-n, LN2_HI_F, y);
    r = Math.fma(-n, LN2_LO_F, r);
    float p = EXP_Q[4];
    for (int i = 3; i >= 0; i--) {
      p = Math.fma(p, r, EXP_Q[i]);
    }
    p = Math.fma(p, r, 1f);
    p = Math.fma(p, r, 1f);
    // 2ⁿ as two factors, so that n down to −150 never leaves the normal exponent range.
    int k = Float.floatToRawIntBits(t) - SHIFTER_F_BITS;
    int k1 = k >> 1;
    int k2 = k - k1;
    float s1 = Float.intBitsToFloat((k1 + 127) << 23);
    float s2 = Float.intBitsToFloat((k2 + 127) << 23);
    return p * s1 * s2;
  }

  /**
   * {@code tanh(x)} in float: {@link #tanh(double)}'s branches, with the polynomial T below 0.625
   * and {@code 1 − 2e/(1 + e)} above, whose rounding errors are smaller than {@code (1 − e)/(1 + e)}'s
   * (over every float: at most 1 ulp from the correctly rounded value against 2).
   */
  static float tanh(float x) {
    float a = Math.abs(x);
    float e = expNonPositive(-2f * a);
    float large = 1f - (e + e) / (1f + e);
    large = x < 0 ? -large : large;
    float s = x * x;
    float p = Math.fma(Math.fma(Math.fma(Math.fma(T4, s, T3), s, T2), s, T1), s, T0);
    float small = Math.fma(x * s, p, x);
    float z = a >= TANH_SPLIT_F ? large : small;
    return x == 0 ? x : z;
  }

  /**
   * {@code σ(x)} in float with {@code e = exp(−|x|)}: {@code 1/(1+e)} for x ≥ 0, {@code e/(1+e)}
   * below, as one division of a numerator chosen by sign (the SIMD code blends it).
   */
  static float sigmoid(float x) {
    float e = expNonPositive(-Math.abs(x));
    return (x < 0 ? e : 1f) / (1f + e);
  }
}
