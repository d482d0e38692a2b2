package dev.kvrag.engine.compute.cpu;

import dev.kvrag.engine.compute.DType;
import dev.kvrag.engine.compute.Weight;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code out = x · Wᵀ (+ b)} for weights in their stored dtype.
 *
 * <p><b>Prefill (GEMM).</b> The input is transposed once into blocks of {@link #TB} tokens
 * ({@code xt[block][k][lane]}), so tokens run along vector lanes. Each thread owns a range of {@link #NR}-row
 * weight tiles; per reduction block of {@link #KC} it widens a tile to fp32 once (12 × 256 floats,
 * L1-resident) and reuses it across every token block, whose {@code KC}-slice of {@code xt} stays in L2.
 * Accumulators live in registers for one reduction block and in a per-thread buffer between blocks.
 *
 * <p><b>Decode (GEMV).</b> With few tokens the product is memory-bound: each weight row is streamed once,
 * widened in registers and dotted with every token's input while it is in L1. Rows are handed out in chunks of
 * {@link #GEMV_ROWS} so both threads stream concurrently; inside a chunk four rows a quarter-chunk apart are
 * read together, so the hardware prefetcher sees four long sequential streams rather than short rows.
 */
final class MatMul {

  private static final VectorSpecies<Float> F = StoredFloats.F;
  private static final int L = StoredFloats.L;
  /** Tokens per micro-tile: two vectors of lanes. */
  static final int TB = 2 * L;
  /** Weight rows per micro-tile. */
  static final int NR = 12;
  /** Reduction block length. */
  static final int KC = 256;
  /** From this many tokens on, the blocked GEMM beats streaming rows per token. */
  static final int GEMM_MIN_TOKENS = 8;
  /** Rows per GEMV work part: long enough for four long streams, short enough to balance two threads. */
  private static final int GEMV_ROWS = 256;

  private final WorkerPool pool;
  private float[] xt = new float[0];
  private final float[][] packed;
  private final float[][] acc;

  MatMul(WorkerPool pool) {
    this.pool = pool;
    int parts = pool.threads();
    this.packed = new float[parts][NR * KC];
    this.acc = new float[parts][0];
  }

  void run(float[] x, int n, Weight[] ws, float[][] biases, float[][] outs) {
    int cols = ws[0].cols();
    for (int i = 0; i < ws.length; i++) {
      Weight w = ws[i];
      if (w.cols() != cols) {
        throw new IllegalArgumentException("projections of one input differ in input size: " + w.name());
      }
      if (x.length < (long) n * cols) {
        throw new IllegalArgumentException("input too short for " + n + " x " + cols + " (" + w.name() + ")");
      }
      if (outs[i].length < (long) n * w.rows()) {
        throw new IllegalArgumentException("output too short for " + n + " x " + w.rows() + " (" + w.name() + ")");
      }
    }
    if (n == 0) {
      return;
    }
    if (n < GEMM_MIN_TOKENS) {
      gemv(x, n, ws, biases, outs);
    } else {
      gemm(x, n, ws, biases, outs);
    }
  }

  // ---------------------------------------------------------------- GEMM

  private void gemm(float[] x, int n, Weight[] ws, float[][] biases, float[][] outs) {
    int cols = ws[0].cols();
    int blocks = (n + TB - 1) / TB;
    long xtSize = (long) blocks * TB * cols;
    if (xtSize > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("prefill too large for one pass: " + n + " tokens x " + cols);
    }
    if (xt.length < xtSize) {
      xt = new float[(int) xtSize];
    }
    float[] xtLocal = xt;
    pool.run(Math.min(blocks, pool.threads() * 4), p -> {
      for (int b = p; b < blocks; b += Math.min(blocks, pool.threads() * 4)) {
        transposeBlock(x, n, cols, b, xtLocal);
      }
    });

    int[] tileStart = new int[ws.length + 1];
    for (int i = 0; i < ws.length; i++) {
      tileStart[i + 1] = tileStart[i] + (ws[i].rows() + NR - 1) / NR;
    }
    int totalTiles = tileStart[ws.length];
    int parts = Math.min(pool.threads(), totalTiles);
    pool.run(parts, p -> {
      int first = (int) ((long) totalTiles * p / parts);
      int last = (int) ((long) totalTiles * (p + 1) / parts);
      gemmTiles(xtLocal, n, blocks, cols, ws, biases, outs, tileStart, first, last, p);
    });
  }

  private static void transposeBlock(float[] x, int n, int cols, int b, float[] xt) {
    int base = b * cols * TB;
    for (int lane = 0; lane < TB; lane++) {
      int t = b * TB + lane;
      if (t < n) {
        int src = t * cols;
        for (int k = 0; k < cols; k++) {
          xt[base + k * TB + lane] = x[src + k];
        }
      } else {
        for (int k = 0; k < cols; k++) {
          xt[base + k * TB + lane] = 0f;
        }
      }
    }
  }

  private void gemmTiles(float[] xt, int n, int blocks, int cols, Weight[] ws, float[][] biases, float[][] outs,
              int[] tileStart, int first, int last, int part) {
    int tiles = last - first;
    int tileAcc = blocks * NR * TB;
    long need = (long) tiles * tileAcc;
    if (need > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("prefill too large for one pass: " + n + " tokens");
    }
    if (acc[part].length < need) {
      acc[part] = new float[(int) need];
    }
    float[] ct = acc[part];
    float[] wf = packed[part];
    for (int k0 = 0; k0 < cols; k0 += KC) {
      int kc = Math.min(KC, cols - k0);
      boolean accumulate = k0 > 0;
      int wi = 0;
      for (int tile = first; tile < last; tile++) {
        while (tile >= tileStart[wi + 1]) {
          wi++;
        }
        Weight w = ws[wi];
        int r0 = (tile - tileStart[wi]) * NR;
        pack(w, r0, k0, kc, wf);
        int cBase = (tile - first) * tileAcc;
        for (int b = 0; b < blocks; b++) {
          microKernel(wf, kc, xt, (b * cols + k0) * TB, ct, cBase + b * NR * TB, accumulate);
        }
      }
    }
    int wi = 0;
    for (int tile = first; tile < last; tile++) {
      while (tile >= tileStart[wi + 1]) {
        wi++;
      }
      Weight w = ws[wi];
      int rows = w.rows();
      int r0 = (tile - tileStart[wi]) * NR;
      int nr = Math.min(NR, rows - r0);
      float[] out = outs[wi];
      float[] bias = biases[wi];
      int cBase = (tile - first) * tileAcc;
      for (int b = 0; b < blocks; b++) {
        int tb = Math.min(TB, n - b * TB);
        int c = cBase + b * NR * TB;
        for (int lane = 0; lane < tb; lane++) {
          int o = (b * TB + lane) * rows + r0;
          for (int j = 0; j < nr; j++) {
            float v = ct[c + j * TB + lane];
            out[o + j] = bias == null ? v : v + bias[r0 + j];
          }
        }
      }
    }
  }

  /**
   * Widens rows {@code [r0, r0+NR)} × cols {@code [k0, k0+kc)} of {@code w} into {@code wf[j*KC + k]}; rows past
   * the end are zero.
   */
  private static void pack(Weight w, int r0, int k0, int kc, float[] wf) {
    int nr = Math.min(NR, w.rows() - r0);
    for (int j = 0; j < nr; j++) {
      StoredFloats.widen(w.data(), w.dtype(), w.offset(r0 + j, k0), kc, wf, j * KC);
    }
    for (int j = nr; j < NR; j++) {
      java.util.Arrays.fill(wf, j * KC, j * KC + kc, 0f);
    }
  }

  /**
   * The register-blocked kernel: a tile of {@link #NR} weight rows × {@link #TB} tokens, accumulated over
   * {@code kc} reduction steps. Tokens run along the vector lanes (two vectors), weight values are broadcast,
   * so each step is 2 vector loads, 12 broadcasts and 24 FMAs into 24 register-resident accumulators. (8×3 and
   * 6×4 tiles measured the same on this machine; 12×2 pads short prompts least.)
   */
  private static void microKernel(float[] wf, int kc, float[] xt, int xOff, float[] ct, int cOff, boolean accumulate) {
    FloatVector c0a, c0b;
    FloatVector c1a, c1b;
    FloatVector c2a, c2b;
    FloatVector c3a, c3b;
    FloatVector c4a, c4b;
    FloatVector c5a, c5b;
    FloatVector c6a, c6b;
    FloatVector c7a, c7b;
    FloatVector c8a, c8b;
    FloatVector c9a, c9b;
    FloatVector c10a, c10b;
    FloatVector c11a, c11b;
    if (accumulate) {
      c0a = FloatVector.fromArray(F, ct, cOff + 0 * TB);
      c0b = FloatVector.fromArray(F, ct, cOff + 0 * TB + 1 * L);
      c1a = FloatVector.fromArray(F, ct, cOff + 1 * TB);
      c1b = FloatVector.fromArray(F, ct, cOff + 1 * TB + 1 * L);
      c2a = FloatVector.fromArray(F, ct, cOff + 2 * TB);
      c2b = FloatVector.fromArray(F, ct, cOff + 2 * TB + 1 * L);
      c3a = FloatVector.fromArray(F, ct, cOff + 3 * TB);
      c3b = FloatVector.fromArray(F, ct, cOff + 3 * TB + 1 * L);
      c4a = FloatVector.fromArray(F, ct, cOff + 4 * TB);
      c4b = FloatVector.fromArray(F, ct, cOff + 4 * TB + 1 * L);
      c5a = FloatVector.fromArray(F, ct, cOff + 5 * TB);
      c5b = FloatVector.fromArray(F, ct, cOff + 5 * TB + 1 * L);
      c6a = FloatVector.fromArray(F, ct, cOff + 6 * TB);
      c6b = FloatVector.fromArray(F, ct, cOff + 6 * TB + 1 * L);
      c7a = FloatVector.fromArray(F, ct, cOff + 7 * TB);
      c7b = FloatVector.fromArray(F, ct, cOff + 7 * TB + 1 * L);
      c8a = FloatVector.fromArray(F, ct, cOff + 8 * TB);
      c8b = FloatVector.fromArray(F, ct, cOff + 8 * TB + 1 * L);
      c9a = FloatVector.fromArray(F, ct, cOff + 9 * TB);
      c9b = FloatVector.fromArray(F, ct, cOff + 9 * TB + 1 * L);
      c10a = FloatVector.fromArray(F, ct, cOff + 10 * TB);
      c10b = FloatVector.fromArray(F, ct, cOff + 10 * TB + 1 * L);
      c11a = FloatVector.fromArray(F, ct, cOff + 11 * TB);
      c11b = FloatVector.fromArray(F, ct, cOff + 11 * TB + 1 * L);
    } else {
      c0a = FloatVector.zero(F);
      c0b = FloatVector.zero(F);
      c1a = FloatVector.zero(F);
      c1b = FloatVector.zero(F);
      c2a = FloatVector.zero(F);
      c2b = FloatVector.zero(F);
      c3a = FloatVector.zero(F);
      c3b = FloatVector.zero(F);
      c4a = FloatVector.zero(F);
      c4b = FloatVector.zero(F);
      c5a = FloatVector.zero(F);
      c5b = FloatVector.zero(F);
      c6a = FloatVector.zero(F);
      c6b = FloatVector.zero(F);
      c7a = FloatVector.zero(F);
      c7b = FloatVector.zero(F);
      c8a = FloatVector.zero(F);
      c8b = FloatVector.zero(F);
      c9a = FloatVector.zero(F);
      c9b = FloatVector.zero(F);
      c10a = FloatVector.zero(F);
      c10b = FloatVector.zero(F);
      c11a = FloatVector.zero(F);
      c11b = FloatVector.zero(F);
    }
    for (int k = 0; k < kc; k++) {
      int xo = xOff + k * TB;
      FloatVector x0 = FloatVector.fromArray(F, xt, xo);
      FloatVector x1 = FloatVector.fromArray(F, xt, xo + 1 * L);
      FloatVector w;
      w = FloatVector.broadcast(F, wf[0 * KC + k]);
      c0a = w.fma(x0, c0a);
      c0b = w.fma(x1, c0b);
      w = FloatVector.broadcast(F, wf[1 * KC + k]);
      c1a = w.fma(x0, c1a);
      c1b = w.fma(x1, c1b);
      w = FloatVector.broadcast(F, wf[2 * KC + k]);
      c2a = w.fma(x0, c2a);
      c2b = w.fma(x1, c2b);
      w = FloatVector.broadcast(F, wf[3 * KC + k]);
      c3a = w.fma(x0, c3a);
      c3b = w.fma(x1, c3b);
      w = FloatVector.broadcast(F, wf[4 * KC + k]);
      c4a = w.fma(x0, c4a);
      c4b = w.fma(x1, c4b);
      w = FloatVector.broadcast(F, wf[5 * KC + k]);
      c5a = w.fma(x0, c5a);
      c5b = w.fma(x1, c5b);
      w = FloatVector.broadcast(F, wf[6 * KC + k]);
      c6a = w.fma(x0, c6a);
      c6b = w.fma(x1, c6b);
      w = FloatVector.broadcast(F, wf[7 * KC + k]);
      c7a = w.fma(x0, c7a);
      c7b = w.fma(x1, c7b);
      w = FloatVector.broadcast(F, wf[8 * KC + k]);
      c8a = w.fma(x0, c8a);
      c8b = w.fma(x1, c8b);
      w = FloatVector.broadcast(F, wf[9 * KC + k]);
      c9a = w.fma(x0, c9a);
      c9b = w.fma(x1, c9b);
      w = FloatVector.broadcast(F, wf[10 * KC + k]);
      c10a = w.fma(x0, c10a);
      c10b = w.fma(x1, c10b);
      w = FloatVector.broadcast(F, wf[11 * KC + k]);
      c11a = w.fma(x0, c11a);
      c11b = w.fma(x1, c11b);
    }
    c0a.intoArray(ct, cOff + 0 * TB);
    c0b.intoArray(ct, cOff + 0 * TB + 1 * L);
    c1a.intoArray(ct, cOff + 1 * TB);
    c1b.intoArray(ct, cOff + 1 * TB + 1 * L);
    c2a.intoArray(ct, cOff + 2 * TB);
    c2b.intoArray(ct, cOff + 2 * TB + 1 * L);
    c3a.intoArray(ct, cOff + 3 * TB);
    c3b.intoArray(ct, cOff + 3 * TB + 1 * L);
    c4a.intoArray(ct, cOff + 4 * TB);
    c4b.intoArray(ct, cOff + 4 * TB + 1 * L);
    c5a.intoArray(ct, cOff + 5 * TB);
    c5b.intoArray(ct, cOff + 5 * TB + 1 * L);
    c6a.intoArray(ct, cOff + 6 * TB);
    c6b.intoArray(ct, cOff + 6 * TB + 1 * L);
    c7a.intoArray(ct, cOff + 7 * TB);
    c7b.intoArray(ct, cOff + 7 * TB + 1 * L);
    c8a.intoArray(ct, cOff + 8 * TB);
    c8b.intoArray(ct, cOff + 8 * TB + 1 * L);
    c9a.intoArray(ct, cOff + 9 * TB);
    c9b.intoArray(ct, cOff + 9 * TB + 1 * L);
    c10a.intoArray(ct, cOff + 10 * TB);
    c10b.intoArray(ct, cOff + 10 * TB + 1 * L);
    c11a.intoArray(ct, cOff + 11 * TB);
    c11b.intoArray(ct, cOff + 11 * TB + 1 * L);
  }

  // ---------------------------------------------------------------- GEMV

  private void gemv(float[] x, int n, Weight[] ws, float[][] biases, float[][] outs) {
    int[] partStart = new int[ws.length + 1];
    for (int i = 0; i < ws.length; i++) {
      partStart[i + 1] = partStart[i] + (ws[i].rows() + GEMV_ROWS - 1) / GEMV_ROWS;
    }
    int parts = partStart[ws.length];
    pool.run(parts, p -> {
      int wi = 0;
      while (p >= partStart[wi + 1]) {
        wi++;
      }
      Weight w = ws[wi];
      int r0 = (p - partStart[wi]) * GEMV_ROWS;
      int r1 = Math.min(w.rows(), r0 + GEMV_ROWS);
      gemvRows(x, n, w, biases[wi], outs[wi], r0, r1);
    });
  }

  private void gemvRows(float[] x, int n, Weight w, float[] bias, float[] out, int r0, int r1) {
    int cols = w.cols();
    int rows = w.rows();
    MemorySegment seg = w.data();
    DType dtype = w.dtype();
    float[] dots = new float[4];
    // Four rows a quarter of the chunk apart, so each of the four streams runs sequentially through a quarter of
    // the chunk instead of through one short row.
    // (Measured at Qwen2.5-0.5B shape, whose 1.8 KB rows are too short to be streams of their own: 21 decode
    // tokens/s against 17.6 for four adjacent rows; chunks of 256 rows beat 64 and 128, 1024 unbalances the threads.)
    int q = (r1 - r0) / 4;
    long stride = (long) q * cols * dtype.bytes();
    for (int i = 0; i < q; i++) {
      int r = r0 + i;
      for (int t = 0; t < n; t++) {
        switch (dtype) {
          case BF16 -> dot4Bf16(seg, w.offset(r, 0), stride, cols, x, t * cols, dots);
          case F32 -> dot4F32(seg, w.offset(r, 0), stride, cols, x, t * cols, dots);
          case F16 -> dot4F16(seg, w.offset(r, 0), stride, cols, x, t * cols, dots);
        }
        for (int j = 0; j < 4; j++) {
          int row = r + j * q;
          out[t * rows + row] = bias == null ? dots[j] : dots[j] + bias[row];
        }
      }
    }
    for (int r = r0 + 4 * q; r < r1; r++) {
      for (int t = 0; t < n; t++) {
        float d = dot1(seg, dtype, w.offset(r, 0), cols, x, t * cols);
        out[t * rows + r] = bias == null ? d : d + bias[r];
      }
    }
  }

  /** Dots of four bf16 rows {@code stride} bytes apart with {@code x[xOff..xOff+cols)}. */
  private static void dot4Bf16(MemorySegment seg, long off, long stride, int cols, float[] x, int xOff,
                               float[] dots) {
    FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
    int bound = cols - cols % L;
    int k = 0;
    for (; k < bound; k += L) {
      FloatVector xv = FloatVector.fromArray(F, x, xOff + k);
      long o = off + 2L * k;
      a0 = StoredFloats.bf16(seg, o).fma(xv, a0);
      a1 = StoredFloats.bf16(seg, o + stride).fma(xv, a1);
      a2 = StoredFloats.bf16(seg, o + 2 * stride).fma(xv, a2);
      a3 = StoredFloats.bf16(seg, o + 3 * stride).fma(xv, a3);
    }
    float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
    float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
    for (; k < cols; k++) {
      float xv = x[xOff + k];
      long o = off + 2L * k;
      s0 += StoredFloats.scalar(seg, DType.BF16, o) * xv;
      s1 += StoredFloats.scalar(seg, DType.BF16, o + stride) * xv;
      s2 += StoredFloats.scalar(seg, DType.BF16, o + 2 * stride) * xv;
      s3 += StoredFloats.scalar(seg, DType.BF16, o + 3 * stride) * xv;
    }
    dots[0] = s0;
    dots[1] = s1;
    dots[2] = s2;
    dots[3] = s3;
  }

  private static void dot4F32(MemorySegment seg, long off, long stride, int cols, float[] x, int xOff,
                               float[] dots) {
    FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
    int bound = cols - cols % L;
    int k = 0;
    for (; k < bound; k += L) {
      FloatVector xv = FloatVector.fromArray(F, x, xOff + k);
      long o = off + 4L * k;
      a0 = StoredFloats.f32(seg, o).fma(xv, a0);
      a1 = StoredFloats.f32(seg, o + stride).fma(xv, a1);
      a2 = StoredFloats.f32(seg, o + 2 * stride).fma(xv, a2);
      a3 = StoredFloats.f32(seg, o + 3 * stride).fma(xv, a3);
    }
    float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
    float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
    for (; k < cols; k++) {
      float xv = x[xOff + k];
      long o = off + 4L * k;
      s0 += StoredFloats.scalar(seg, DType.F32, o) * xv;
      s1 += StoredFloats.scalar(seg, DType.F32, o + stride) * xv;
      s2 += StoredFloats.scalar(seg, DType.F32, o + 2 * stride) * xv;
      s3 += StoredFloats.scalar(seg, DType.F32, o + 3 * stride) * xv;
    }
    dots[0] = s0;
    dots[1] = s1;
    dots[2] = s2;
    dots[3] = s3;
  }

  private static void dot4F16(MemorySegment seg, long off, long stride, int cols, float[] x, int xOff,
                               float[] dots) {
    FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
    int bound = cols - cols % L;
    int k = 0;
    for (; k < bound; k += L) {
      FloatVector xv = FloatVector.fromArray(F, x, xOff + k);
      long o = off + 2L * k;
      a0 = StoredFloats.f16(seg, o).fma(xv, a0);
      a1 = StoredFloats.f16(seg, o + stride).fma(xv, a1);
      a2 = StoredFloats.f16(seg, o + 2 * stride).fma(xv, a2);
      a3 = StoredFloats.f16(seg, o + 3 * stride).fma(xv, a3);
    }
    float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
    float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
    for (; k < cols; k++) {
      float xv = x[xOff + k];
      long o = off + 2L * k;
      s0 += StoredFloats.scalar(seg, DType.F16, o) * xv;
      s1 += StoredFloats.scalar(seg, DType.F16, o + stride) * xv;
      s2 += StoredFloats.scalar(seg, DType.F16, o + 2 * stride) * xv;
      s3 += StoredFloats.scalar(seg, DType.F16, o + 3 * stride) * xv;
    }
    dots[0] = s0;
    dots[1] = s1;
    dots[2] = s2;
    dots[3] = s3;
  }

  private static float dot1(MemorySegment seg, DType dtype, long off, int cols, float[] x, int xOff) {
    FloatVector a = FloatVector.zero(F);
    int bound = cols - cols % L;
    int k = 0;
    for (; k < bound; k += L) {
      a = StoredFloats.load(seg, dtype, off + (long) k * dtype.bytes()).fma(FloatVector.fromArray(F, x, xOff + k), a);
    }
    float s = a.reduceLanes(VectorOperators.ADD);
    for (; k < cols; k++) {
      s += StoredFloats.scalar(seg, dtype, off + (long) k * dtype.bytes()) * x[xOff + k];
    }
    return s;
  }
}
