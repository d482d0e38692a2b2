package dev.kvrag.engine.compute.cuda;

import dev.kvrag.engine.compute.AttentionRule;
import dev.kvrag.engine.compute.DType;
import java.lang.foreign.MemorySegment;

/**
 * Attention on the device, by the number of queries: from {@link #FLASH_MIN_QUERIES} queries on, with head dim 64 or
 * 128, the tensor-core flash kernel (prefill); otherwise split-K (decode, short questions, other head dims): each
 * query's key range cut into parts of about {@link #KEYS_PER_SPLIT} keys computed in parallel and merged. Causal by
 * slot is computed in the kernels from the query slots; any other rule is turned into per-query bounds on the host.
 */
final class DeviceAttention {

  static final int FLASH_MIN_QUERIES = 16;
  /** Queries per block of the flash kernel (attention_flash.cu's FLASH_ROWS), and keys per tile (FLASH_KEYS). */
  static final int FLASH_ROWS = 128;
  static final int FLASH_KEYS = 64;
  static final int KEYS_PER_SPLIT = 32;
  static final int MAX_SPLITS = 256;
  /** Split partial outputs are kept under this many floats (a long prefill on the fallback path). */
  static final long MAX_PARTIAL_FLOATS = 64L << 20;
  private static final float LOG2E = 1.4426950408889634f;

  private final CudaRuntime rt;
  private boolean flash = true;
  private final DeviceBuffer[] partials = new DeviceBuffer[3];

  DeviceAttention(CudaRuntime rt) {
    this.rt = rt;
  }

  /** Dynamic shared memory of a flash block: the Q tile and two stages of a K and a V tile, rows padded by 8. */
  static int flashSharedBytes(int hd) {
    return (FLASH_ROWS + 2 * 2 * FLASH_KEYS) * (hd + 8) * 2;
  }

  /** Turns the flash kernel off (its self-check failed, or for comparisons). */
  void useFlash(boolean on) {
    flash = on;
  }

  boolean flash() {
    return flash;
  }

  /** Whether {@code n} queries of head dim {@code hd} go to the flash kernel. */
  boolean flashFor(int n, int hd) {
    return flash && rt.precision() == Precision.BF16 && n >= FLASH_MIN_QUERIES && (hd == 128 || hd == 64);
  }

  /** See {@code Backend.attention}. Under the runtime's lock. */
  void run(DeviceActivations q, int n, int heads, int[] querySlots, DeviceLayerKv kv, AttentionRule rule, float scale,
           DeviceActivations out, float[] lse) {
    int kvHeads = kv.kvHeads();
    int hd = kv.headDim();
    if (heads % kvHeads != 0) {
      throw new IllegalArgumentException(heads + " query heads do not divide into " + kvHeads + " kv heads");
    }
    if (hd > 256) {
      throw new IllegalArgumentException("head dim " + hd + " is above the 256 the CUDA attention supports");
    }
    if (n == 0) {
      return;
    }
    int group = heads / kvHeads;
    int filled = kv.length();
    kv.awaitLoads();
    long from = 0;
    long to = 0;
    long slots = 0;
    int longest = 0;
    if (rule == AttentionRule.causal()) {
      slots = rt.ints(querySlots).address();
      for (int t = 0; t < n; t++) {
        longest = Math.max(longest, Math.min(filled, querySlots[t] + 1));
      }
    } else {
      int[] lo = new int[n];
      int[] hi = new int[n];
      for (int t = 0; t < n; t++) {
        lo[t] = rule.from(querySlots[t]);
        hi[t] = rule.to(querySlots[t]);
        longest = Math.max(longest, Math.min(filled, hi[t]) - Math.max(0, lo[t]));
      }
      from = rt.ints(lo).address();
      to = rt.ints(hi).address();
    }
    DType half = rt.half();
    long out16 = half == null ? 0 : out.halfBuffer(half, rt.memory()).address();
    int halfCode = half == null ? 0 : half.ordinal();
    DeviceBuffer lseBuffer = lse == null ? null : rt.memory().allocate(4L * n * heads);
    long lseAddress = lseBuffer == null ? 0 : lseBuffer.address();
    float scaleLog2 = scale * LOG2E;
    boolean whole = (long) n * heads * hd == out.length();
    // the output feeds the o projection, a matrix product that reads the 16-bit copy: flash writes that copy alone
    // (the fp32 values are made from it if anything reads them), sparing a 4-byte-per-value pass over memory
    boolean halfOnly = false;
    if (flashFor(n, hd) && scale > 0) {  // the flash kernel keeps its running max on unscaled scores
      halfOnly = half != null && whole;
      Kernel k = rt.kernels().attentionFlash(hd, rt.kv() == KvFormat.F16);
      rt.launcher().start(k).pointer(q.address()).pointer(kv.keysAddress()).pointer(kv.valuesAddress()).pointer(from)
          .pointer(to).pointer(slots).pointer(halfOnly ? 0 : out.address()).pointer(out16).pointer(lseAddress)
          .integer(n).integer(heads).integer(group).integer(kv.storageCapacity()).integer(filled).real(scaleLog2)
          .integer(halfCode);
      rt.launcher().launch((n + FLASH_ROWS - 1) / FLASH_ROWS, heads, 128, flashSharedBytes(hd), rt.device().compute());
    } else {
      split(q, n, heads, group, hd, kv, filled, from, to, slots, longest, scaleLog2, out.address(), out16, lseAddress,
          halfCode);
    }
    if (halfOnly) {
      out.writtenHalfOnly(half, rt);
    } else if (half == null || !whole) {
      out.written();
    } else {
      out.writtenWithHalf(half);
    }
    if (lseBuffer != null) {
      float[] host = new float[n * heads];
      rt.device().copyToHost(MemorySegment.ofArray(host), lseBuffer.pointer(), 0);
      System.arraycopy(host, 0, lse, 0, host.length);
      lseBuffer.close();
    }
  }

  private void split(DeviceActivations q, int n, int heads, int group, int hd, DeviceLayerKv kv, int filled, long from,
                     long to, long slots, int longest, float scaleLog2, long out, long out16, long lse, int halfCode) {
    int splits = Math.max(1, Math.min(MAX_SPLITS, (longest + KEYS_PER_SPLIT - 1) / KEYS_PER_SPLIT));
    long perSplit = (long) n * heads * hd;
    splits = (int) Math.max(1, Math.min(splits, MAX_PARTIAL_FLOATS / Math.max(1, perSplit)));
    DeviceBuffer partO = partials(0, 4L * perSplit * splits);
    DeviceBuffer partM = partials(1, 4L * n * heads * splits);
    DeviceBuffer partL = partials(2, 4L * n * heads * splits);
    // gridDim.y caps a launch at 65535 queries: longer batches go in pieces
    for (int t0 = 0; t0 < n; t0 += 65535) {
      int m = Math.min(65535, n - t0);
      long rows = 4L * t0;
      rt.launcher().start(rt.kernels().attentionSplit).pointer(q.address() + rows * heads * hd)
          .pointer(kv.keysAddress()).pointer(kv.valuesAddress()).pointer(from == 0 ? 0 : from + rows)
          .pointer(to == 0 ? 0 : to + rows).pointer(slots == 0 ? 0 : slots + rows).pointer(partO.address())
          .pointer(partM.address()).pointer(partL.address()).integer(m).integer(heads).integer(group).integer(hd)
          .integer(kv.storageCapacity()).integer(filled).integer(splits).real(scaleLog2)
          .integer(rt.kv().code());
      rt.launcher().launch((heads * splits + 3) / 4, m, 128, rt.device().compute());
      rt.launcher().start(rt.kernels().attentionCombine).pointer(partO.address()).pointer(partM.address())
          .pointer(partL.address()).pointer(out + rows * heads * hd).pointer(out16 == 0 ? 0 : out16 + rows / 2 * heads
              * hd).pointer(lse == 0 ? 0 : lse + rows * heads).integer(m * heads).integer(hd).integer(splits)
          .integer(halfCode);
      rt.launcher().launch((m * heads + 3) / 4, 1, 128, rt.device().compute());
    }
  }

  /**
   * Scratch buffer {@code i} of the split-K partials, at least {@code bytes}: kept between calls (a decode step runs
   * this once per layer, and three allocations and releases per call cost more host time than the kernels take).
   * Every user is on the compute stream, so stream order alone keeps one call's partials from another's.
   */
  private DeviceBuffer partials(int i, long bytes) {
    DeviceBuffer b = partials[i];
    if (b == null || b.bytes() < bytes) {
      if (b != null) {
        b.close();
      }
      b = rt.memory().allocate(Math.max(bytes, 1L << 20));
      partials[i] = b;
    }
    return b;
  }
}
