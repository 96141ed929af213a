package dev.unfold.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one-pass loops that are split over threads from {@link Elementwise#SIMPLE_PARALLEL} elements
 * on: on both sides of that size, and with bands that end inside an outer block, they give the
 * bits of the plain loop, in float64 and float32.
 */
class OnePassLoopsTest {
  static Stream<Arguments> shapes() {
    // outer × pn × inner of a slice added into an [outer × n × inner] sum, n = pn + 3
    return Stream.of(
        Arguments.of(1, 5, 7),
        Arguments.of(1, 32, 256),
        Arguments.of(3, 7, 1001),
        Arguments.of(50, 1, 8192),
        Arguments.of(7, 13, 997));
  }

  private static double[] random(Random r, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextGaussian();
    }
    return x;
  }

  private static float[] narrow(double[] x) {
    float[] f = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      f[i] = (float) x[i];
    }
    return f;
  }

  @ParameterizedTest
  @MethodSource("shapes")
  void addPlaceAddsEachElementOnce(int outer, int pn, int inner) {
    Random r = new Random(outer * 31L + pn * 7L + inner);
    int n = pn + 3;
    int start = 2;
    int from = 5;
    double[] part = random(r, from + outer * pn * inner);
    double[] out = random(r, outer * n * inner);
    double[] expected = out.clone();
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < pn * inner; i++) {
        expected[(o * n + start) * inner + i] += part[from + o * pn * inner + i];
      }
    }
    Layout.addPlace(part, from, outer, pn, inner, out, n, start);
    assertArrayEquals(expected, out);

    float[] partF = narrow(part);
    float[] outF = narrow(random(r, outer * n * inner));
    float[] expectedF = outF.clone();
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < pn * inner; i++) {
        expectedF[(o * n + start) * inner + i] += partF[from + o * pn * inner + i];
      }
    }
    FloatKernels.addPlace(partF, from, outer, pn, inner, outF, n, start);
    assertArrayEquals(expectedF, outF);
  }

  @ParameterizedTest
  @MethodSource("shapes")
  void sumsDifferencesAndVjpsGiveThePlainLoopsBits(int outer, int pn, int inner) {
    int size = outer * pn * inner;
    Random r = new Random(size);
    double[] a = random(r, size);
    double[] b = random(r, size);
    double[] y = random(r, size);
    int[] dims = {size};

    double[] sum = a.clone();
    Elementwise.addInto(sum, b, 0);
    double[] diff = new double[size];
    Elementwise.binary(Elementwise.Binary.SUB, a, dims, b, dims, dims, diff);
    double[] tanhVjp = new double[size];
    Elementwise.tanhVjp(a, y, tanhVjp);
    double[] sigmoidVjp = new double[size];
    Elementwise.sigmoidVjp(a, y, sigmoidVjp);
    for (int i = 0; i < size; i++) {
      assertBits(a[i] + b[i], sum[i]);
      assertBits(a[i] - b[i], diff[i]);
      assertBits(a[i] * (1.0 - y[i] * y[i]), tanhVjp[i]);
      assertBits(a[i] * y[i] * (1.0 - y[i]), sigmoidVjp[i]);
    }

    float[] af = narrow(a);
    float[] bf = narrow(b);
    float[] yf = narrow(y);
    float[] sumF = af.clone();
    FloatKernels.addInto(sumF, bf, 0);
    float[] mulF = new float[size];
    FloatKernels.binary(Elementwise.Binary.MUL, af, dims, bf, dims, dims, mulF);
    float[] tanhVjpF = new float[size];
    FloatKernels.tanhVjp(af, yf, tanhVjpF);
    float[] sigmoidVjpF = new float[size];
    FloatKernels.sigmoidVjp(af, yf, sigmoidVjpF);
    for (int i = 0; i < size; i++) {
      assertBits(af[i] + bf[i], sumF[i]);
      assertBits(af[i] * bf[i], mulF[i]);
      assertBits(af[i] * (1f - yf[i] * yf[i]), tanhVjpF[i]);
      assertBits(af[i] * yf[i] * (1f - yf[i]), sigmoidVjpF[i]);
    }
  }

  private static void assertBits(double expected, double actual) {
    assertArrayEquals(new long[] {Double.doubleToRawLongBits(expected)}, new long[] {Double.doubleToRawLongBits(actual)});
  }

  private static void assertBits(float expected, float actual) {
    assertArrayEquals(new int[] {Float.floatToRawIntBits(expected)}, new int[] {Float.floatToRawIntBits(actual)});
  }
}
