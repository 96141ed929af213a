package dev.unfold.bench;
import dev.unfold.tensor.DType;
public class PoolCheck {
  public static void main(String[] a) {
    TrainingTask t = new TrainingTask(a[0], TrainingTask.Config.valueOf(a[1]), DType.valueOf(a[2]), 7);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Integer.parseInt(a[3]); i++) sb.append(Double.doubleToRawLongBits(t.step())).append(' ');
    System.out.println(Integer.toHexString(sb.toString().hashCode()) + " " + t.step());
  }
}
