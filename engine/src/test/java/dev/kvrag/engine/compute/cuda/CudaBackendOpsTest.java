package dev.kvrag.engine.compute.cuda;

import static dev.kvrag.engine.compute.cuda.SharedCudaBackend.relativeError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.engine.compute.Activations;
import dev.kvrag.engine.compute.AttentionRule;
import dev.kvrag.engine.compute.Backend;
import dev.kvrag.engine.compute.DType;
import dev.kvrag.engine.compute.RopeAngles;
import dev.kvrag.engine.compute.Weight;
import dev.kvrag.engine.compute.cpu.CpuBackend;
import dev.kvrag.engine.kv.LayerKv;
import dev.kvrag.engine.model.SafetensorsWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each backend operation on the GPU against the CPU backend (the reference) on random data. Inputs are made exactly
 * representable where the GPU stores less precision by design (bf16 KV), so the remaining differences are the GPU's
 * arithmetic: fp32 kernels within 1e-5, bf16 matrix products and the tensor-core attention within 1e-2 of the row
 * maximum.
 */
@ExtendWith(RequiresCuda.class)
class CudaBackendOpsTest {

  static CudaBackend gpu;
  static CpuBackend cpu;
  static Arena arena;

  @BeforeAll
  static void start() {
    gpu = SharedCudaBackend.get();
    cpu = new CpuBackend(2);
    arena = Arena.ofShared();
  }

  @AfterAll
  static void stop() {
    if (cpu != null) {
      cpu.close();
    }
    if (arena != null) {
      arena.close();
    }
  }

  static float[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  static float bf16(float f) {
    return Float.intBitsToFloat((SafetensorsWriter.toBf16(f) & 0xffff) << 16);
  }

  static Weight weight(DType dtype, int rows, int cols, long seed) {
    float[] v = random(rows * cols, seed);
    MemorySegment seg = arena.allocate((long) rows * cols * dtype.bytes(), 64);
    for (int i = 0; i < v.length; i++) {
      switch (dtype) {
        case BF16 -> seg.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 2L * i,
            SafetensorsWriter.toBf16(v[i] / (float) Math.sqrt(cols)));
        case F16 -> seg.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 2L * i,
            Float.floatToFloat16(v[i] / (float) Math.sqrt(cols)));
        case F32 -> seg.set(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4L * i,
            v[i] / (float) Math.sqrt(cols));
      }
    }
    return new Weight("w" + seed, dtype, rows, cols, seg);
  }

  /** Runs {@code op} on both backends over copies of {@code inputs}; returns {gpu output, cpu output} of input 0. */
  interface Op {
    void run(Backend b, Activations[] a);
  }

  static float[][] both(Op op, int outIndex, float[]... inputs) {
    Activations[] g = new Activations[inputs.length];
    Activations[] c = new Activations[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      g[i] = gpu.upload(inputs[i].clone());
      c[i] = cpu.upload(inputs[i].clone());
    }
    op.run(gpu, g);
    op.run(cpu, c);
    return new float[][] {gpu.download(g[outIndex]), cpu.download(c[outIndex])};
  }

  @Test
  void matrixProductsMatchTheCpuInEveryStoredDtypeWithBias() {
    for (DType dtype : DType.values()) {
      for (int n : new int[] {1, 7, 300}) {
        Weight w = weight(dtype, 96, 160, n + dtype.ordinal());
        float[] bias = random(96, 5);
        float[][] r = both((b, a) -> b.matmul(a[0], n, w, bias, a[1]), 1, random(n * 160, n), new float[n * 96]);
        double err = relativeError(r[0], r[1]);
        double limit = dtype == DType.F32 ? 1e-5 : 1e-2;
        assertTrue(err <= limit, dtype + " n=" + n + ": relative error " + err);
      }
    }
  }

  @Test
  void elementwiseOperationsMatchTheCpu() {
    int rows = 9;
    int dim = 200;
    float[] weight = random(dim, 3);
    float[][] norm = both((b, a) -> b.rmsNorm(a[0], rows, dim, weight, 1e-5f, a[1]), 1, random(rows * dim, 1),
        new float[rows * dim]);
    // Out of place, once the backend keeps 16-bit copies (after its first 16-bit matrix product), only the copy is
    // kept: what HF's RMSNorm returns in bf16, and all the next matrix product reads. Then every value is a bf16 (or
    // f16, after f16 weights) within half a unit of it (2^-9, 2^-11 relative) of the CPU's fp32; before, the fp32
    // values match to summation order.
    boolean bf16 = true;
    boolean f16 = true;
    for (float g : norm[0]) {
      bf16 &= (Float.floatToRawIntBits(g) & 0xffff) == 0;
      f16 &= Float.float16ToFloat(Float.floatToFloat16(g)) == g;
    }
    double halfUnit = bf16 ? 0x1p-9 : f16 ? 0x1p-11 : 0;
    if (halfUnit > 0) {
      for (int i = 0; i < norm[0].length; i++) {
        // + half the spacing of f16's subnormals (2^-24) for the values below 2^-14
        double slack = bf16 ? 0 : 0x1p-25;
        assertTrue(Math.abs(norm[0][i] - norm[1][i]) <= halfUnit * Math.abs(norm[1][i]) * (1 + 1e-5) + slack,
            "rmsNorm value " + i + ": " + norm[0][i] + " against the CPU's " + norm[1][i]);
      }
    } else {
      assertTrue(relativeError(norm[0], norm[1]) <= 1e-5, "rmsNorm " + relativeError(norm[0], norm[1]));
    }

    int n = 5;
    int heads = 3;
    int hd = 16;
    float[] cos = new float[n * hd / 2];
    float[] sin = new float[n * hd / 2];
    for (int i = 0; i < cos.length; i++) {
      cos[i] = (float) Math.cos(0.37 * i);
      sin[i] = (float) Math.sin(0.37 * i);
    }
    RopeAngles angles = new RopeAngles(n, hd / 2, cos, sin);
    float[][] rope = both((b, a) -> b.rope(a[0], n, heads, hd, angles), 0, random(n * heads * hd, 2));
    assertTrue(relativeError(rope[0], rope[1]) <= 1e-5, "rope " + relativeError(rope[0], rope[1]));

    float[][] silu = both((b, a) -> b.siluMul(a[0], a[1], 1000), 0, random(1000, 4), random(1000, 5));
    assertTrue(relativeError(silu[0], silu[1]) <= 1e-5, "siluMul " + relativeError(silu[0], silu[1]));

    float[][] add = both((b, a) -> b.add(a[0], a[1], 999), 0, random(1000, 6), random(1000, 7));
    assertArrayEquals(add[1], add[0], "add");

    Weight table = weight(DType.BF16, 50, 24, 8);
    int[] ids = {3, 49, 0, 3};
    float[][] embed = both((b, a) -> b.embed(table, ids, a[0]), 0, new float[ids.length * 24]);
    assertArrayEquals(embed[1], embed[0], "embed");
  }

  @Test
  void gatherUploadAndDownloadMoveExactlyTheRowsAskedFor() {
    float[] x = random(10 * 6, 9);
    Activations g = gpu.gatherRows(gpu.upload(x.clone()), 6, new int[] {9, 0, 4});
    float[] got = gpu.download(g);
    for (int c = 0; c < 6; c++) {
      assertEquals(x[9 * 6 + c], got[c]);
      assertEquals(x[c], got[6 + c]);
      assertEquals(x[4 * 6 + c], got[12 + c]);
    }
    Activations a = gpu.allocate(20);
    assertArrayEquals(new float[20], gpu.download(a), "allocate clears");
    gpu.upload(new float[] {1, 2, 3}, a);
    assertArrayEquals(new float[] {2, 3}, gpu.download(a, 1, 2));
  }

  /** A cache on each backend holding the same bf16-representable K/V for {@code slots} slots. */
  static LayerKv[] caches(int kvHeads, int hd, int slots, long seed) {
    float[] k = random(slots * kvHeads * hd, seed);
    float[] v = random(slots * kvHeads * hd, seed + 1);
    for (int i = 0; i < k.length; i++) {
      k[i] = bf16(k[i]);
      v[i] = bf16(v[i]);
    }
    int[] all = new int[slots];
    for (int s = 0; s < slots; s++) {
      all[s] = s;
    }
    LayerKv g = gpu.newLayerKv(kvHeads, hd, 8);
    LayerKv c = cpu.newLayerKv(kvHeads, hd, 8);
    g.write(all, k, v, slots);
    c.write(all, k, v, slots);
    return new LayerKv[] {g, c};
  }

  @Test
  void attentionMatchesTheCpuForDecodeAndPrefillUnderEveryRule() {
    AttentionRule ranges = new AttentionRule() {
      @Override
      public int from(int querySlot) {
        return querySlot % 3 == 0 ? 40 : 7;
      }

      @Override
      public int to(int querySlot) {
        return querySlot % 3 == 0 ? 40 : querySlot - 5;
      }
    };
    for (int hd : new int[] {24, 64, 128}) {
      int heads = 8;
      int kvHeads = 2;
      int filled = 420;
      LayerKv[] kv = caches(kvHeads, hd, filled, hd);
      for (int n : new int[] {1, 5, 300}) {
        int[] slots = new int[n];
        for (int t = 0; t < n; t++) {
          slots[t] = filled - n + t;
        }
        float[] q = random(n * heads * hd, n * 31L + hd);
        for (int i = 0; i < q.length; i++) {
          q[i] = bf16(q[i]);
        }
        for (AttentionRule rule : new AttentionRule[] {AttentionRule.causal(), AttentionRule.slidingWindow(50),
            ranges}) {
          float scale = (float) (1 / Math.sqrt(hd));
          Activations og = gpu.allocate(q.length);
          Activations oc = cpu.allocate(q.length);
          float[] lg = new float[n * heads];
          float[] lc = new float[n * heads];
          gpu.attention(gpu.upload(q.clone()), n, heads, slots, kv[0], rule, scale, og, lg);
          cpu.attention(cpu.upload(q.clone()), n, heads, slots, kv[1], rule, scale, oc, lc);
          double err = relativeError(gpu.download(og), cpu.download(oc));
          boolean flash = n >= DeviceAttention.FLASH_MIN_QUERIES && hd != 24 && gpu.flashAttention();
          double limit = flash ? 1e-2 : 1e-5;
          String what = "hd " + hd + ", n " + n + ", " + rule + (flash ? " (flash)" : " (split)");
          assertTrue(err <= limit, what + ": output error " + err);
          for (int i = 0; i < lg.length; i++) {
            if (lc[i] == Float.NEGATIVE_INFINITY) {
              assertEquals(Float.NEGATIVE_INFINITY, lg[i], what + ": empty range row " + i);
            } else {
              assertEquals(lc[i], lg[i], flash ? 1e-2 : 1e-4, what + ": log-sum-exp row " + i);
            }
          }
        }
      }
    }
  }

  @Test
  void valueDeviationsMatchTheCpuAndAreZeroForUnchangedTokens() {
    int kvHeads = 2;
    int hd = 16;
    LayerKv[] kv = caches(kvHeads, hd, 30, 11);
    float[] fresh = random(30 * kvHeads * hd, 12);
    for (int i = 0; i < kvHeads * hd; i++) {
      fresh[5 * kvHeads * hd + i] = kv[1].values(i / hd)[5 * hd + i % hd];
      fresh[i] = bf16(fresh[i]);
    }
    for (int i = 0; i < fresh.length; i++) {
      fresh[i] = bf16(fresh[i]);
    }
    double[] g = gpu.valueDeviations(gpu.upload(fresh.clone()), kv[0], 30);
    double[] c = cpu.valueDeviations(cpu.upload(fresh.clone()), kv[1], 30);
    assertEquals(0.0, g[5]);
    for (int t = 0; t < 30; t++) {
      assertEquals(c[t], g[t], 1e-5 * (1 + c[t]), "token " + t);
    }
  }
}
