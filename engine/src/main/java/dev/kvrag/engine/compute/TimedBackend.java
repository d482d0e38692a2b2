package dev.kvrag.engine.compute;

import dev.kvrag.engine.kv.LayerKv;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link Backend} decorator that adds up wall time per operation (matmuls keyed by weight shape), to show
 * where a forward pass spends its time. Costs two {@code nanoTime} calls per operation.
 */
public final class TimedBackend implements Backend {

  private final Backend inner;
  private final Map<String, long[]> totals = new TreeMap<>();

  public TimedBackend(Backend inner) {
    this.inner = inner;
  }

  private void add(String op, long start) {
    long[] t = totals.computeIfAbsent(op, k -> new long[2]);
    t[0] += System.nanoTime() - start;
    t[1]++;
  }

  /** Clears the totals. */
  public void reset() {
    totals.clear();
  }

  /** One line per operation: total ms, calls, share of the summed time; largest first. */
  public String report() {
    long sum = totals.values().stream().mapToLong(t -> t[0]).sum();
    StringBuilder b = new StringBuilder();
    totals.entrySet().stream()
        .sorted((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0]))
        .forEach(e -> b.append(String.format(Locale.ROOT, "  %-34s %9.1f ms %7d calls %5.1f%%%n", e.getKey(),
            e.getValue()[0] / 1e6, e.getValue()[1], 100.0 * e.getValue()[0] / Math.max(1, sum))));
    b.append(String.format(Locale.ROOT, "  %-34s %9.1f ms%n", "total", sum / 1e6));
    return b.toString();
  }

  @Override
  public String describe() {
    return inner.describe() + " (timed)";
  }

  @Override
  public void embed(Weight table, int[] ids, float[] out) {
    long s = System.nanoTime();
    inner.embed(table, ids, out);
    add("embed", s);
  }

  @Override
  public void matmul(float[] x, int n, Weight w, float[] bias, float[] out) {
    long s = System.nanoTime();
    inner.matmul(x, n, w, bias, out);
    add(key(n, w), s);
  }

  @Override
  public void matmul(float[] x, int n, Weight[] ws, float[][] biases, float[][] outs) {
    long s = System.nanoTime();
    inner.matmul(x, n, ws, biases, outs);
    StringBuilder k = new StringBuilder();
    for (Weight w : ws) {
      k.append(k.isEmpty() ? "" : "+").append(w.rows());
    }
    add(key(n, ws[0]).replace(ws[0].rows() + "x", k + "x"), s);
  }

  private static String key(int n, Weight w) {
    return "matmul " + (n == 1 ? "gemv " : "gemm ") + w.rows() + "x" + w.cols();
  }

  @Override
  public void rmsNorm(float[] x, int rows, int dim, float[] weight, float eps, float[] out) {
    long s = System.nanoTime();
    inner.rmsNorm(x, rows, dim, weight, eps, out);
    add("rmsNorm", s);
  }

  @Override
  public void rope(float[] x, int n, int heads, int headDim, RopeAngles angles) {
    long s = System.nanoTime();
    inner.rope(x, n, heads, headDim, angles);
    add("rope", s);
  }

  @Override
  public void siluMul(float[] gate, float[] up, int count) {
    long s = System.nanoTime();
    inner.siluMul(gate, up, count);
    add("siluMul", s);
  }

  @Override
  public void add(float[] acc, float[] x, int count) {
    long s = System.nanoTime();
    inner.add(acc, x, count);
    add("add", s);
  }

  @Override
  public void attention(float[] q, int n, int heads, int[] querySlots, LayerKv kv, AttentionRule rule, float scale,
                        float[] out, float[] lse) {
    long s = System.nanoTime();
    inner.attention(q, n, heads, querySlots, kv, rule, scale, out, lse);
    add(n == 1 ? "attention decode" : "attention prefill", s);
  }

  @Override
  public void close() {
    inner.close();
  }
}
