package dev.unfold.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

/**
 * The float32 tanh, σ and exp of {@link Transcendental}: within 2 ulp of the correctly rounded
 * values (float64 library functions rounded to float), special values, and the vector kernels of
 * {@link VectorElementwise} giving the scalar bits.
 */
class FloatTranscendentalTest {

  /** Split points, saturation, underflow, tiny, subnormal and non-finite arguments, both signs. */
  private static final float[] SPECIAL = {0f, -0f, 0.625f, -0.625f, Math.nextDown(0.625f), Math.nextUp(-0.625f),
      1f, -1f, 8f, -9f, 9.01f, 17.4f, -17.4f, 20f, -20f, 40f, -52f, 52.5f, -87.3f, -88.8f, -100f, -103f, -103.3f,
      -103.97f, -104f, -104.5f, -150f, 150f, 1e-20f, -1e-30f, Float.MIN_NORMAL, -Float.MIN_NORMAL, Float.MIN_VALUE,
      -Float.MIN_VALUE, 3e-39f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
      Float.NaN, Float.intBitsToFloat(0xffc00001)};

  /** {@code n} arguments: the special ones, then uniform on [−20, 20], then random bit patterns (a quarter). */
  private static float[] arguments(long seed, int n) {
    Well19937c rng = new Well19937c(seed);
    float[] x = new float[n];
    System.arraycopy(SPECIAL, 0, x, 0, SPECIAL.length);
    int uniform = SPECIAL.length + 3 * (n - SPECIAL.length) / 4;
    for (int i = SPECIAL.length; i < n; i++) {
      x[i] = i < uniform ? (float) (40 * rng.nextDouble() - 20) : Float.intBitsToFloat(rng.nextInt());
    }
    return x;
  }

  /** The position of {@code f} among the floats in order, so that ulp distances cross zero. */
  private static long ordinal(float f) {
    int i = Float.floatToRawIntBits(f);
    return i < 0 ? (long) Integer.MIN_VALUE - i : i;
  }

  private static long ulps(float got, double exact) {
    return Math.abs(ordinal(got) - ordinal((float) exact));
  }

  private static double sigmoid64(double x) {
    return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
  }

  @Test
  void withinTwoUlpOfTheCorrectlyRoundedValues() {
    long worstTanh = 0;
    long worstSigmoid = 0;
    long worstExp = 0;
    for (float x : arguments(1, 1_000_000)) {
      if (Float.isNaN(x)) {
        continue;
      }
      float t = Transcendental.tanh(x);
      float s = Transcendental.sigmoid(x);
      float e = Transcendental.expNonPositive(-Math.abs(x));
      worstTanh = Math.max(worstTanh, ulps(t, Math.tanh(x)));
      worstSigmoid = Math.max(worstSigmoid, ulps(s, sigmoid64(x)));
      worstExp = Math.max(worstExp, ulps(e, Math.exp(-Math.abs((double) x))));
      assertTrue(ulps(t, Math.tanh(x)) <= 2, "tanh(" + x + ") = " + t + ", exactly " + Math.tanh(x));
      assertTrue(ulps(s, sigmoid64(x)) <= 2, "σ(" + x + ") = " + s + ", exactly " + sigmoid64(x));
      assertTrue(ulps(e, Math.exp(-Math.abs((double) x))) <= 2, "exp(" + -Math.abs(x) + ") = " + e);
    }
    // Over every float (checked once by hand, too slow for a unit test): tanh 1 ulp, σ 2, exp 1.
    System.out.printf("float32 worst ulps over 1e6 arguments: tanh %d, sigmoid %d, exp %d%n", worstTanh, worstSigmoid,
        worstExp);
  }

  @Test
  void specialValues() {
    assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Transcendental.tanh(-0f)));
    assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(Transcendental.tanh(0f)));
    assertEquals(Float.MIN_VALUE, Transcendental.tanh(Float.MIN_VALUE));
    assertEquals(-1e-30f, Transcendental.tanh(-1e-30f));
    assertEquals(1f, Transcendental.tanh(10f));
    assertEquals(-1f, Transcendental.tanh(-Float.MAX_VALUE));
    assertEquals(1f, Transcendental.tanh(Float.POSITIVE_INFINITY));
    assertEquals(-1f, Transcendental.tanh(Float.NEGATIVE_INFINITY));
    assertTrue(Float.isNaN(Transcendental.tanh(Float.NaN)));
    assertEquals(0.5f, Transcendental.sigmoid(0f));
    assertEquals(0.5f, Transcendental.sigmoid(-0f));
    assertEquals(1f, Transcendental.sigmoid(Float.MAX_VALUE));
    assertEquals(0f, Transcendental.sigmoid(-Float.MAX_VALUE));
    assertEquals(1f, Transcendental.sigmoid(Float.POSITIVE_INFINITY));
    assertEquals(0f, Transcendental.sigmoid(Float.NEGATIVE_INFINITY));
    assertTrue(Float.isNaN(Transcendental.sigmoid(Float.NaN)));
    // σ(−100) ≈ 3.7e-44 is subnormal; exp(−104) is below half the least subnormal.
    assertTrue(ulps(Transcendental.sigmoid(-100f), Math.exp(-100)) <= 1, "σ(−100)");
    assertEquals(0f, Transcendental.expNonPositive(-104f));
    assertEquals(1f, Transcendental.expNonPositive(0f));
    assertEquals(1f, Transcendental.expNonPositive(-0f));
    assertTrue(Float.isNaN(Transcendental.expNonPositive(Float.NaN)));
  }

  /** The bits of {@code f}, every NaN as one (the sign of a NaN result differs between SIMD and scalar σ). */
  private static int bits(float f) {
    return Float.floatToIntBits(f);
  }

  @Test
  void vectorKernelsGiveTheScalarBits() {
    assumeTrue(Kernels.vectorized(), "the Vector API module is not present");
    float[] x = arguments(2, 200_003);  // not a multiple of the lanes: a scalar tail
    float[] t = new float[x.length];
    float[] s = new float[x.length];
    VectorElementwise.tanh(x, 0, t, 0, x.length);
    VectorElementwise.sigmoid(x, 0, s, 0, x.length);
    for (int i = 0; i < x.length; i++) {
      assertEquals(bits(Transcendental.tanh(x[i])), bits(t[i]), "tanh(" + x[i] + ")");
      assertEquals(bits(Transcendental.sigmoid(x[i])), bits(s[i]), "σ(" + x[i] + ")");
    }
  }

  @Test
  void unfusedFloatKernelsUseTheseFunctions() {
    float[] x = arguments(3, 3001);
    float[] t = new float[x.length];
    float[] s = x.clone();
    FloatKernels.tanh(x, t);
    FloatKernels.sigmoid(s, s);  // in place
    for (int i = 0; i < x.length; i++) {
      assertEquals(bits(Transcendental.tanh(x[i])), bits(t[i]), "tanh(" + x[i] + ")");
      assertEquals(bits(Transcendental.sigmoid(x[i])), bits(s[i]), "σ(" + x[i] + ")");
    }
  }
}
