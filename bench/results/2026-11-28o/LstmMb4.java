import dev.unfold.tensor.kernel.RecurrentKernels;
import java.util.Random;
public class LstmMb4 {
  public static void main(String[] a) {
    int B = 32, H = 256, T = 50;
    boolean fresh = a[0].equals("fresh"); int P = Integer.parseInt(a[2]); double[][] pa = new double[P][B*4*H], pt = new double[P][B*H], po = new double[P][B*2*H]; int pi = 0; boolean big = a[1].equals("big");
    Random r = new Random(1);
    double[] xAll = new double[T*B*4*H];
    for (int i = 0; i < xAll.length; i++) xAll[i] = r.nextGaussian();
    double[] hPre = new double[B*4*H], c = new double[B*H], act = new double[B*4*H], tanhC = new double[B*H], out = new double[B*2*H];
    for (int i = 0; i < hPre.length; i++) hPre[i] = r.nextGaussian();
    for (int round = 0; round < 8; round++) {
      long t0 = System.nanoTime(); int n = 0;
      while (System.nanoTime() - t0 < 1_000_000_000L) {
        for (int t = 0; t < T; t++) {
          if (!fresh) { act = pa[pi]; tanhC = pt[pi]; out = po[pi]; pi = (pi + 1) % P; } else { act = new double[B*4*H]; tanhC = new double[B*H]; out = new double[B*2*H]; }
          RecurrentKernels.lstmForward(xAll, big ? t*B*4*H : 0, hPre, c, B, H, act, tanhC, out); n++;
        }
      }
      System.out.printf("fwd %.1f us%n", (System.nanoTime() - t0) / 1e3 / n);
    }
  }
}
