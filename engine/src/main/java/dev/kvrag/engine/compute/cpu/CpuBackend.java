package dev.kvrag.engine.compute.cpu;

import dev.kvrag.engine.compute.Activations;
import dev.kvrag.engine.compute.AttentionRule;
import dev.kvrag.engine.compute.Backend;
import dev.kvrag.engine.compute.RopeAngles;
import dev.kvrag.engine.compute.Weight;
import dev.kvrag.engine.kv.LayerKv;
import dev.kvrag.engine.kv.ValueDeviations;
import java.util.Arrays;
import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The reference backend: fp32 compute on the CPU with {@code jdk.incubator.vector} (512-bit lanes on
 * AVX-512 machines) and one shared {@link WorkerPool} of {@code threads} threads. Matmuls and attention are
 * parallel and keep scratch buffers between calls, so they are serialised per backend (sessions on other
 * threads may share one backend, taking turns per operation); the cheap row-wise operations run on the
 * calling thread.
 */
public final class CpuBackend implements Backend {

  private static final VectorSpecies<Float> F = StoredFloats.F;
  private static final int L = StoredFloats.L;

  private final WorkerPool pool;
  private final MatMul matMul;
  private final Attention attention;

  public CpuBackend(int threads) {
    this.pool = new WorkerPool(threads);
    this.matMul = new MatMul(pool);
    this.attention = new Attention(pool);
  }

  /** A backend with one thread per available processor. */
  public static CpuBackend withAllProcessors() {
    return new CpuBackend(Runtime.getRuntime().availableProcessors());
  }

  public int threads() {
    return pool.threads();
  }

  @Override
  public String describe() {
    return "cpu(threads=" + pool.threads() + ", lanes=" + L + ")";
  }

  @Override
  public Activations allocate(int length) {
    return new HostActivations(new float[length]);
  }

  @Override
  public Activations upload(float[] data) {
    return new HostActivations(data);
  }

  @Override
  public void upload(float[] src, Activations dst) {
    System.arraycopy(src, 0, HostActivations.of(dst), 0, src.length);
  }

  @Override
  public float[] download(Activations a, int from, int count) {
    return Arrays.copyOfRange(HostActivations.of(a), from, from + count);
  }

  @Override
  public Activations gatherRows(Activations x, int width, int[] rows) {
    float[] src = HostActivations.of(x);
    float[] out = new float[rows.length * width];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(src, rows[r] * width, out, r * width, width);
    }
    return new HostActivations(out);
  }

  @Override
  public void writeKv(LayerKv kv, int[] slots, Activations k, Activations v, int n) {
    kv.write(slots, HostActivations.of(k), HostActivations.of(v), n);
  }

  @Override
  public double[] valueDeviations(Activations v, LayerKv kv, int count) {
    int[] rows = new int[count];
    Arrays.setAll(rows, t -> t);
    return ValueDeviations.of(HostActivations.of(v), kv, rows, count);
  }

  @Override
  public void embed(Weight table, int[] ids, Activations activations) {
    float[] out = HostActivations.of(activations);
    int dim = table.cols();
    for (int t = 0; t < ids.length; t++) {
      int id = ids[t];
      if (id < 0 || id >= table.rows()) {
        throw new IllegalArgumentException("token id " + id + " outside the vocabulary [0, " + table.rows() + ")");
      }
      StoredFloats.widen(table.data(), table.dtype(), table.offset(id, 0), dim, out, t * dim);
    }
  }

  @Override
  public synchronized void matmul(Activations x, int n, Weight w, float[] bias, Activations out) {
    matMul.run(HostActivations.of(x), n, new Weight[] {w}, new float[][] {bias},
        new float[][] {HostActivations.of(out)});
  }

  @Override
  public synchronized void matmul(Activations x, int n, Weight[] ws, float[][] biases, Activations[] outs) {
    float[][] arrays = new float[outs.length][];
    for (int i = 0; i < outs.length; i++) {
      arrays[i] = HostActivations.of(outs[i]);
    }
    matMul.run(HostActivations.of(x), n, ws, biases, arrays);
  }

  @Override
  public void rmsNorm(Activations input, int rows, int dim, float[] weight, float eps, Activations output) {
    float[] x = HostActivations.of(input);
    float[] out = HostActivations.of(output);
    int bound = dim - dim % L;
    for (int r = 0; r < rows; r++) {
      int off = r * dim;
      FloatVector acc = FloatVector.zero(F);
      int i = 0;
      for (; i < bound; i += L) {
        FloatVector v = FloatVector.fromArray(F, x, off + i);
        acc = v.fma(v, acc);
      }
      float ss = acc.reduceLanes(VectorOperators.ADD);
      for (; i < dim; i++) {
        ss += x[off + i] * x[off + i];
      }
      // HF: x * rsqrt(mean(x²) + eps), then times the weight, each step rounded to fp32.
      float inv = 1f / (float) Math.sqrt(ss / dim + eps);
      i = 0;
      for (; i < bound; i += L) {
        FloatVector.fromArray(F, x, off + i).mul(inv).mul(FloatVector.fromArray(F, weight, i))
            .intoArray(out, off + i);
      }
      for (; i < dim; i++) {
        out[off + i] = (x[off + i] * inv) * weight[i];
      }
    }
  }

  @Override
  public void rope(Activations input, int n, int heads, int headDim, RopeAngles angles) {
    float[] x = HostActivations.of(input);
    int half = headDim / 2;
    if (angles.half() != half) {
      throw new IllegalArgumentException("rope table for head_dim " + 2 * angles.half() + ", not " + headDim);
    }
    float[] cos = angles.cos();
    float[] sin = angles.sin();
    int bound = half - half % L;
    for (int t = 0; t < n; t++) {
      int a = t * half;
      for (int h = 0; h < heads; h++) {
        int o = (t * heads + h) * headDim;
        int i = 0;
        for (; i < bound; i += L) {
          FloatVector x1 = FloatVector.fromArray(F, x, o + i);
          FloatVector x2 = FloatVector.fromArray(F, x, o + half + i);
          FloatVector c = FloatVector.fromArray(F, cos, a + i);
          FloatVector s = FloatVector.fromArray(F, sin, a + i);
          x1.mul(c).sub(x2.mul(s)).intoArray(x, o + i);
          x2.mul(c).add(x1.mul(s)).intoArray(x, o + half + i);
        }
        for (; i < half; i++) {
          float x1 = x[o + i];
          float x2 = x[o + half + i];
          float c = cos[a + i];
          float s = sin[a + i];
          x[o + i] = x1 * c - x2 * s;
          x[o + half + i] = x2 * c + x1 * s;
        }
      }
    }
  }

  @Override
  public void siluMul(Activations gates, Activations ups, int count) {
    float[] gate = HostActivations.of(gates);
    float[] up = HostActivations.of(ups);
    int bound = count - count % L;
    int i = 0;
    for (; i < bound; i += L) {
      FloatVector g = FloatVector.fromArray(F, gate, i);
      FloatVector sig = g.neg().lanewise(VectorOperators.EXP).add(1f);
      g.div(sig).mul(FloatVector.fromArray(F, up, i)).intoArray(gate, i);
    }
    for (; i < count; i++) {
      float g = gate[i];
      gate[i] = g / (1f + (float) Math.exp(-g)) * up[i];
    }
  }

  @Override
  public void add(Activations accumulator, Activations addend, int count) {
    float[] acc = HostActivations.of(accumulator);
    float[] x = HostActivations.of(addend);
    int bound = count - count % L;
    int i = 0;
    for (; i < bound; i += L) {
      FloatVector.fromArray(F, acc, i).add(FloatVector.fromArray(F, x, i)).intoArray(acc, i);
    }
    for (; i < count; i++) {
      acc[i] += x[i];
    }
  }

  @Override
  public synchronized void attention(Activations q, int n, int heads, int[] querySlots, LayerKv kv, AttentionRule rule,
                                     float scale, Activations out, float[] lse) {
    attention.run(HostActivations.of(q), n, heads, querySlots, kv, rule, scale, HostActivations.of(out), lse);
  }

  /** Spread over the worker pool, parts claimed as threads come free. */
  @Override
  public void forEachPart(int parts, IntConsumer task) {
    pool.run(parts, task);
  }

  @Override
  public void close() {
    pool.close();
  }
}
