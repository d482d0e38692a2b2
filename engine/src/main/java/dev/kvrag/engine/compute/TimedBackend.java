package dev.kvrag.engine.compute;

import dev.kvrag.engine.kv.LayerKv;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntConsumer;

/**
 * A {@link Backend} decorator that adds up wall time per operation (matmuls keyed by weight shape), to show
 * where a forward pass spends its time. Costs two {@code nanoTime} calls per operation. On a backend that runs
 * asynchronously (CUDA) the times are those of issuing the work, except where an operation waits for results.
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
  public Activations allocate(int length) {
    return inner.allocate(length);
  }

  @Override
  public Activations upload(float[] data) {
    long s = System.nanoTime();
    Activations a = inner.upload(data);
    add("upload", s);
    return a;
  }

  @Override
  public void upload(float[] src, Activations dst) {
    long s = System.nanoTime();
    inner.upload(src, dst);
    add("upload", s);
  }

  @Override
  public float[] download(Activations a, int from, int count) {
    long s = System.nanoTime();
    float[] out = inner.download(a, from, count);
    add("download", s);
    return out;
  }

  @Override
  public Activations gatherRows(Activations x, int width, int[] rows) {
    long s = System.nanoTime();
    Activations out = inner.gatherRows(x, width, rows);
    add("gatherRows", s);
    return out;
  }

  @Override
  public LayerKv newLayerKv(int kvHeads, int headDim, int initialCapacity) {
    return inner.newLayerKv(kvHeads, headDim, initialCapacity);
  }

  @Override
  public LayerKv newStoredLayerKv(int kvHeads, int headDim, int initialCapacity) {
    return inner.newStoredLayerKv(kvHeads, headDim, initialCapacity);
  }

  @Override
  public void writeKv(LayerKv kv, int[] slots, Activations k, Activations v, int n) {
    long s = System.nanoTime();
    inner.writeKv(kv, slots, k, v, n);
    add("writeKv", s);
  }

  @Override
  public double[] valueDeviations(Activations v, LayerKv kv, int count) {
    long s = System.nanoTime();
    double[] d = inner.valueDeviations(v, kv, count);
    add("valueDeviations", s);
    return d;
  }

  @Override
  public void embed(Weight table, int[] ids, Activations out) {
    long s = System.nanoTime();
    inner.embed(table, ids, out);
    add("embed", s);
  }

  @Override
  public void matmul(Activations x, int n, Weight w, float[] bias, Activations out) {
    long s = System.nanoTime();
    inner.matmul(x, n, w, bias, out);
    add(key(n, w), s);
  }

  @Override
  public void gatedProduct(Activations x, int n, Weight gate, Weight up, float[] gateBias, float[] upBias,
                           Activations gateOut, Activations upOut) {
    long s = System.nanoTime();
    inner.gatedProduct(x, n, gate, up, gateBias, upBias, gateOut, upOut);
    add(key(n, gate).replace(gate.rows() + "x", gate.rows() + "+" + up.rows() + "x") + "+siluMul", s);
  }

  @Override
  public void matmulAdd(Activations x, int n, Weight w, float[] bias, Activations acc, Activations room) {
    long s = System.nanoTime();
    inner.matmulAdd(x, n, w, bias, acc, room);
    add(key(n, w) + "+add", s);
  }

  @Override
  public void matmul(Activations x, int n, Weight[] ws, float[][] biases, Activations[] outs) {
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
  public void rmsNorm(Activations x, int rows, int dim, float[] weight, float eps, Activations out) {
    long s = System.nanoTime();
    inner.rmsNorm(x, rows, dim, weight, eps, out);
    add("rmsNorm", s);
  }

  @Override
  public void rope(Activations x, int n, int heads, int headDim, RopeAngles angles) {
    long s = System.nanoTime();
    inner.rope(x, n, heads, headDim, angles);
    add("rope", s);
  }

  @Override
  public void siluMul(Activations gate, Activations up, int count) {
    long s = System.nanoTime();
    inner.siluMul(gate, up, count);
    add("siluMul", s);
  }

  @Override
  public void add(Activations acc, Activations x, int count) {
    long s = System.nanoTime();
    inner.add(acc, x, count);
    add("add", s);
  }

  @Override
  public void attention(Activations q, int n, int heads, int[] querySlots, LayerKv kv, AttentionRule rule, float scale,
                        Activations out, float[] lse) {
    long s = System.nanoTime();
    inner.attention(q, n, heads, querySlots, kv, rule, scale, out, lse);
    add(n == 1 ? "attention decode" : "attention prefill", s);
  }

  @Override
  public void forEachPart(int parts, IntConsumer task) {
    long s = System.nanoTime();
    inner.forEachPart(parts, task);
    add("forEachPart", s);
  }

  @Override
  public void close() {
    inner.close();
  }
}
