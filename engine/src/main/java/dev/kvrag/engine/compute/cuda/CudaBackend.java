package dev.kvrag.engine.compute.cuda;

import dev.kvrag.engine.compute.Activations;
import dev.kvrag.engine.compute.AttentionRule;
import dev.kvrag.engine.compute.Backend;
import dev.kvrag.engine.compute.DType;
import dev.kvrag.engine.compute.RopeAngles;
import dev.kvrag.engine.compute.Weight;
import dev.kvrag.engine.kv.LayerKv;
import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * The GPU backend: activations ({@link DeviceActivations}) and the KV cache ({@link DeviceLayerKv}) stay in device
 * memory, so a forward pass sends token ids and positions in and brings logits out, nothing else. Weights are
 * uploaded once in their stored dtype; bf16/f16 matrix products go to cuBLAS 13 (FFM, {@link Cublas}) with fp32
 * accumulation into fp32 activations, fp32 weights to its fp32 path; everything else runs in the engine's own kernels
 * ({@link CudaKernels}) in fp32, launched on one compute stream in order. Operations return once their work is
 * queued; {@link #download} waits for it. Stored chunk KV comes from page-locked host memory
 * ({@link #newStoredLayerKv}) on a copy stream of its own.
 *
 * <p>At start the flash-attention kernel is checked against the split-K kernel on random data; if they disagree it
 * is switched off (and {@link #describe} says so), so a broken fast path costs speed, never answers.
 */
public final class CudaBackend implements Backend {

  /** Set to {@code false} to keep the flash kernel off (comparisons). */
  public static final String FLASH_PROPERTY = "kvrag.cuda.flash";
  /** The gemv kernel runs a warp per output row: rows per block of {@link CudaRuntime#THREADS} threads. */
  private static final int GEMV_ROWS_PER_BLOCK = CudaRuntime.THREADS / 32;

  private final CudaRuntime rt;
  private final DeviceWeights weights;
  private final DeviceAttention attention;
  private final String flashCheck;
  private DeviceProfile profile;

  private CudaBackend(CudaRuntime rt) {
    this.rt = rt;
    this.weights = new DeviceWeights(rt);
    this.attention = new DeviceAttention(rt);
    this.flashCheck = checkFlash();
  }

  /** The backend on CUDA device {@code ordinal} at the configured {@link Precision} (bf16 unless set). */
  public static CudaBackend open(int ordinal) {
    return open(ordinal, Precision.configured());
  }

  /** The backend on CUDA device {@code ordinal}: context, kernels compiled for it, cuBLAS. */
  public static CudaBackend open(int ordinal, Precision precision) {
    return open(ordinal, precision, KvFormat.of(precision));
  }

  /** The backend on CUDA device {@code ordinal} with its KV cache in {@code kv}. */
  static CudaBackend open(int ordinal, Precision precision, KvFormat kv) {
    return new CudaBackend(new CudaRuntime(CudaDevice.open(ordinal), precision, kv));
  }

  @Override
  public String describe() {
    CudaDevice d = rt.device();
    return String.format(Locale.ROOT,
        "cuda(%s, %s, %d SMs, %.0f GiB, driver %s, cuBLAS %d, kernels by %s, %s (KV cache %s), %s)", d.name(),
        d.architecture(), d.multiprocessors(), d.totalMemory() / 1073741824.0, d.driverVersion(),
        rt.cublas().version(), rt.kernels().compiler(), rt.precision().name().toLowerCase(Locale.ROOT),
        rt.kv().name().toLowerCase(Locale.ROOT), flashCheck);
  }

  /** Whether prefill attention runs on the tensor-core kernel. */
  public boolean flashAttention() {
    return attention.flash();
  }

  /** Bytes of weights uploaded so far. */
  public long weightBytes() {
    return weights.uploaded();
  }

  /** Device memory held by the backend's pool (in use or cached), in bytes. */
  public long reservedBytes() {
    synchronized (rt) {
      return rt.memory().reserved();
    }
  }

  /** Waits until all queued work has run: what a timer must call before reading the clock. */
  public void synchronize() {
    synchronized (rt) {
      rt.enter();
      rt.device().synchronizeAll();
    }
  }

  /** The device's name, e.g. {@code NVIDIA H100 80GB HBM3}. */
  public String deviceName() {
    return rt.device().name();
  }

  /** Starts (or stops) timing every operation's device work by label; {@link #profileTotals} reads the sums. */
  public void profile(boolean on) {
    synchronized (rt) {
      profile = on ? new DeviceProfile(rt.device()) : null;
    }
  }

  /** Device milliseconds per operation label since the last read, largest first (empty when not profiling). */
  public java.util.Map<String, Double> profileTotals() {
    synchronized (rt) {
      rt.enter();
      return profile == null ? java.util.Map.of() : profile.read();
    }
  }

  /** One line per label of {@link #profileTotals}. */
  public static String formatProfile(java.util.Map<String, Double> totals) {
    return DeviceProfile.format(totals);
  }

  private Object begin(String label) {
    return profile == null ? null : profile.begin(label);
  }

  private void end(Object span) {
    if (span != null) {
      profile.end(span);
    }
  }

  /** Runs {@code work} under the backend's lock with the context current (benchmarks that call CUDA directly). */
  void locked(Runnable work) {
    synchronized (rt) {
      rt.enter();
      work.run();
    }
  }

  CudaRuntime runtime() {
    return rt;
  }

  DeviceWeights deviceWeights() {
    return weights;
  }

  private String checkFlash() {
    if (rt.precision() == Precision.FP32) {
      return "split-K attention throughout (fp32 KV)";
    }
    if (!Boolean.parseBoolean(System.getProperty(FLASH_PROPERTY, "true"))) {
      attention.useFlash(false);
      return "flash attention off (" + FLASH_PROPERTY + "=false)";
    }
    double worst = 0;
    for (int hd : new int[] {64, 128}) {
      worst = Math.max(worst, flashAgainstSplit(hd));
    }
    if (!(worst <= 2e-2)) {
      attention.useFlash(false);
      return String.format(Locale.ROOT, "flash attention OFF: its self-check against split-K failed (max error %.3g)",
          worst);
    }
    return String.format(Locale.ROOT, "flash attention on (self-check max error %.2g)", worst);
  }

  /** Max abs difference of the flash and split-K outputs on random data, causal and with explicit ranges. */
  private double flashAgainstSplit(int hd) {
    int heads = 4;
    int kvHeads = 2;
    int n = 80;
    int filled = 150;
    SplittableRandom r = new SplittableRandom(hd);
    LayerKv kv = newLayerKv(kvHeads, hd, filled);
    float[] k = new float[filled * kvHeads * hd];
    float[] v = new float[k.length];
    for (int i = 0; i < k.length; i++) {
      k[i] = (float) r.nextGaussian();
      v[i] = (float) r.nextGaussian();
    }
    int[] all = new int[filled];
    for (int i = 0; i < filled; i++) {
      all[i] = i;
    }
    kv.write(all, k, v, filled);
    float[] qh = new float[n * heads * hd];
    for (int i = 0; i < qh.length; i++) {
      qh[i] = (float) r.nextGaussian();
    }
    int[] slots = new int[n];
    for (int t = 0; t < n; t++) {
      slots[t] = filled - n + t;
    }
    AttentionRule window = AttentionRule.slidingWindow(37);
    double worst = 0;
    for (AttentionRule rule : new AttentionRule[] {AttentionRule.causal(), window}) {
      Activations q = upload(qh.clone());
      Activations fast = allocate(qh.length);
      Activations slow = allocate(qh.length);
      float[] lseFast = new float[n * heads];
      float[] lseSlow = new float[n * heads];
      float scale = (float) (1 / Math.sqrt(hd));
      attention(q, n, heads, slots, kv, rule, scale, fast, lseFast);
      synchronized (rt) {
        attention.useFlash(false);
        try {
          attention(q, n, heads, slots, kv, rule, scale, slow, lseSlow);
        } finally {
          attention.useFlash(true);
        }
      }
      float[] a = download(fast);
      float[] b = download(slow);
      for (int i = 0; i < a.length; i++) {
        worst = Math.max(worst, Math.abs(a[i] - b[i]));
        if (Float.isNaN(a[i])) {
          worst = Double.POSITIVE_INFINITY;
        }
      }
      for (int i = 0; i < lseFast.length; i++) {
        worst = Math.max(worst, Math.abs(lseFast[i] - lseSlow[i]));
      }
      q.close();
      fast.close();
      slow.close();
    }
    return worst;
  }

  @Override
  public Activations allocate(int length) {
    synchronized (rt) {
      rt.enter();
      DeviceBuffer b = rt.memory().allocate(4L * Math.max(1, length));
      rt.device().zero(b.pointer(), 0, 4L * Math.max(1, length));
      return new DeviceActivations(b, length);
    }
  }

  /** A buffer whose contents are about to be overwritten (no clearing). */
  private DeviceActivations scratch(int length) {
    return new DeviceActivations(rt.memory().allocate(4L * Math.max(1, length)), length);
  }

  @Override
  public Activations upload(float[] data) {
    synchronized (rt) {
      rt.enter();
      DeviceActivations a = scratch(data.length);
      rt.staging().upload(data, a.buffer(), 0, rt.device().compute());
      return a;
    }
  }

  @Override
  public void upload(float[] src, Activations dst) {
    synchronized (rt) {
      rt.enter();
      DeviceActivations d = DeviceActivations.of(dst);
      if (src.length > d.length()) {
        throw new IllegalArgumentException(src.length + " floats into activations of " + d.length());
      }
      if (src.length == d.length()) {
        d.writeAddress();
      } else {
        d.address();  // the values after src stay: current in fp32 first
      }
      rt.staging().upload(src, d.buffer(), 0, rt.device().compute());
      d.written();
    }
  }

  @Override
  public float[] download(Activations a, int from, int count) {
    synchronized (rt) {
      rt.enter();
      DeviceActivations d = DeviceActivations.of(a);
      if (from < 0 || count < 0 || from + count > d.length()) {
        throw new IllegalArgumentException("floats [" + from + ", " + (from + count) + ") of " + d.length());
      }
      float[] out = new float[count];
      if (count > 0) {
        d.address();  // made current in fp32 if only the 16-bit copy was written
        rt.device().copyToHost(MemorySegment.ofArray(out), d.buffer().pointer(), 4L * from);
      }
      return out;
    }
  }

  @Override
  public Activations gatherRows(Activations x, int width, int[] rows) {
    synchronized (rt) {
      rt.enter();
      DeviceActivations src = DeviceActivations.of(x);
      DeviceActivations out = scratch(rows.length * width);
      if (rows.length > 0) {
        Object span = begin("gatherRows");
        DeviceBuffer index = rt.ints(rows);
        rt.launcher().start(rt.kernels().gatherRows).pointer(src.address()).pointer(index.address())
            .pointer(out.address()).integer(rows.length).integer(width);
        rt.launcher().launch(rt.blocks((long) rows.length * width), 1, CudaRuntime.THREADS, rt.device().compute());
        end(span);
      }
      return out;
    }
  }

  @Override
  public LayerKv newLayerKv(int kvHeads, int headDim, int initialCapacity) {
    return new DeviceLayerKv(rt, kvHeads, headDim, initialCapacity);
  }

  @Override
  public LayerKv newStoredLayerKv(int kvHeads, int headDim, int initialCapacity) {
    // page-locked storage is the 16-bit cache's own layout; the fp32 cache loads stored KV through the host
    return rt.precision() == Precision.BF16 ? new PinnedLayerKv(rt, kvHeads, headDim, initialCapacity)
        : new dev.kvrag.engine.kv.HostLayerKv(kvHeads, headDim, initialCapacity);
  }

  @Override
  public void writeKv(LayerKv kv, int[] slots, Activations k, Activations v, int n) {
    synchronized (rt) {
      rt.enter();
      DeviceLayerKv device = DeviceLayerKv.of(kv, rt);
      if (device != null) {
        Object span = begin("writeKv");
        device.writeFrom(slots, DeviceActivations.of(k), DeviceActivations.of(v), n);
        end(span);
      } else {
        int width = kv.kvHeads() * kv.headDim();
        kv.write(slots, download(k, 0, n * width), download(v, 0, n * width), n);
      }
    }
  }

  @Override
  public double[] valueDeviations(Activations v, LayerKv kv, int count) {
    synchronized (rt) {
      rt.enter();
      DeviceLayerKv device = DeviceLayerKv.of(kv, rt);
      double[] dev = new double[count];
      if (count == 0) {
        return dev;
      }
      if (device == null) {
        throw new IllegalArgumentException("CacheBlend's deviation on the GPU needs the cache in device memory");
      }
      device.awaitLoads();
      Object span = begin("valueDeviations");
      DeviceBuffer out = rt.memory().allocate(4L * count);
      rt.launcher().start(rt.kernels().valueDeviation).pointer(DeviceActivations.of(v).address())
          .pointer(device.valuesAddress()).pointer(out.address()).integer(count).integer(device.kvHeads())
          .integer(device.headDim()).integer(device.storageCapacity()).integer(rt.kv().code());
      rt.launcher().launch((count + 3) / 4, 1, 128, rt.device().compute());
      end(span);
      float[] host = new float[count];
      rt.device().copyToHost(MemorySegment.ofArray(host), out.pointer(), 0);
      out.close();
      for (int t = 0; t < count; t++) {
        dev[t] = host[t];
      }
      return dev;
    }
  }

  @Override
  public void embed(Weight table, int[] ids, Activations activations) {
    synchronized (rt) {
      rt.enter();
      for (int id : ids) {
        if (id < 0 || id >= table.rows()) {
          throw new IllegalArgumentException("token id " + id + " outside the vocabulary [0, " + table.rows() + ")");
        }
      }
      DeviceActivations out = DeviceActivations.of(activations);
      if (ids.length == 0) {
        return;
      }
      DeviceBuffer t = weights.matrix(table);
      Object span = begin("embed");
      DeviceBuffer index = rt.ints(ids);
      rt.launcher().start(rt.kernels().embed).pointer(t.address()).pointer(index.address()).pointer(out.address())
          .integer(ids.length).integer(table.cols()).integer(table.dtype().ordinal());
      rt.launcher().launch(rt.blocks((long) ids.length * table.cols()), 1, CudaRuntime.THREADS, rt.device().compute());
      end(span);
      out.written();
    }
  }

  @Override
  public void matmul(Activations x, int n, Weight w, float[] bias, Activations out) {
    synchronized (rt) {
      rt.enter();
      product(DeviceActivations.of(x), n, w, bias, DeviceActivations.of(out), false);
    }
  }

  @Override
  public void matmulAdd(Activations x, int n, Weight w, float[] bias, Activations acc, Activations room) {
    synchronized (rt) {
      rt.enter();
      // the product accumulates into the residual stream itself (cuBLAS beta = 1, or the gemv adding): no separate
      // add kernel and no round trip of the product through memory; room stays unused
      product(DeviceActivations.of(x), n, w, bias, DeviceActivations.of(acc), true);
    }
  }

  @Override
  public void matmul(Activations x, int n, Weight[] ws, float[][] biases, Activations[] outs) {
    synchronized (rt) {
      rt.enter();
      DeviceActivations in = DeviceActivations.of(x);
      if (n == 1 && fusedGemv(ws)) {
        DeviceActivations[] o = new DeviceActivations[ws.length];
        for (int i = 0; i < ws.length; i++) {
          o[i] = DeviceActivations.of(outs[i]);
        }
        gemv(in, ws, biases, o, false);
        return;
      }
      for (int i = 0; i < ws.length; i++) {
        product(in, n, ws[i], biases[i], DeviceActivations.of(outs[i]), false);
      }
    }
  }

  /** {@code out = x · wᵀ + bias}, or {@code out += x · wᵀ + bias} when {@code accumulate}. */
  private void product(DeviceActivations x, int n, Weight w, float[] bias, DeviceActivations out,
                       boolean accumulate) {
    if ((long) n * w.cols() > x.length()) {
      throw new IllegalArgumentException("weight " + w.name() + ": input of " + x.length() + " floats for " + n
          + " x " + w.cols());
    }
    if ((long) n * w.rows() > out.length()) {
      throw new IllegalArgumentException("weight " + w.name() + ": output of " + out.length() + " floats for " + n
          + " x " + w.rows());
    }
    if (n == 0) {
      return;
    }
    if (n == 1 && fusedGemv(new Weight[] {w})) {
      // decode: our own matrix-vector kernel, near the copy bandwidth on every shape (cuBLAS is not at n = 1)
      gemv(x, new Weight[] {w}, new float[][] {bias}, new DeviceActivations[] {out}, accumulate);
      return;
    }
    boolean fp32 = w.dtype() == DType.F32 || rt.precision() == Precision.FP32;
    DeviceBuffer a = fp32 ? weights.fp32(w) : weights.matrix(w);
    Object span = begin("matmul " + (n == 1 ? "gemv " : "gemm ") + w.rows() + "x" + w.cols()
        + (accumulate ? "+add" : ""));
    long b;
    int type;
    if (fp32) {
      b = x.address();
      type = Cublas.R_32F;
    } else {
      b = half(x, n * w.cols(), w.dtype());
      type = w.dtype() == DType.BF16 ? Cublas.R_16BF : Cublas.R_16F;
    }
    GemmCall g = GemmCall.rowMajorTimesTransposed(n, w.rows(), w.cols());
    rt.cublas().gemm(g.transa(), g.transb(), g.m(), g.n(), g.k(), a.address(), type, g.lda(), b, type, g.ldb(),
        accumulate, accumulate ? out.address() : writeTarget(out, (long) n * w.rows()), Cublas.R_32F, g.ldc());
    if (bias != null) {
      addBias(out.address(), bias, n, w.rows());
    }
    end(span);
    out.written();
  }

  /** {@code out[t][r] += bias[r]} for {@code out [n][rows]} at {@code out} on the device. */
  private void addBias(long out, float[] bias, int n, int rows) {
    rt.launcher().start(rt.kernels().biasAdd).pointer(out).pointer(weights.vector(bias).address()).integer(n)
        .integer(rows);
    rt.launcher().launch(rt.blocks((long) n * rows), 1, CudaRuntime.THREADS, rt.device().compute());
  }

  /**
   * Whether one gemv launch can take these weights at batch 1: 16-bit, on the bf16 path, at most three sharing one
   * input width that is a multiple of 8 (the kernel's 16-byte loads).
   */
  private boolean fusedGemv(Weight[] ws) {
    if (ws.length == 0 || ws.length > 3 || rt.precision() == Precision.FP32) {
      return false;
    }
    for (Weight w : ws) {
      if (w.dtype() == DType.F32 || w.dtype() != ws[0].dtype() || w.cols() != ws[0].cols() || w.cols() % 8 != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code outs[i] = ws[i] · x (+ biases[i])} for one row, in one launch (see {@link #fusedGemv}); added to what the
   * outputs hold when {@code accumulate}.
   */
  private void gemv(DeviceActivations x, Weight[] ws, float[][] biases, DeviceActivations[] outs,
                    boolean accumulate) {
    int cols = ws[0].cols();
    if (cols > x.length()) {
      throw new IllegalArgumentException("weight " + ws[0].name() + ": input of " + x.length() + " floats for "
          + cols);
    }
    long[] a = new long[ws.length];
    long[] o = new long[ws.length];
    for (int i = 0; i < ws.length; i++) {
      if (ws[i].rows() > outs[i].length()) {
        throw new IllegalArgumentException("weight " + ws[i].name() + ": output of " + outs[i].length()
            + " floats for " + ws[i].rows());
      }
      a[i] = weights.matrix(ws[i]).address();
      o[i] = accumulate ? outs[i].address() : writeTarget(outs[i], ws[i].rows());
    }
    StringBuilder label = new StringBuilder("matmul gemv");
    for (Weight w : ws) {
      label.append(' ').append(w.rows()).append('x').append(w.cols());
    }
    Object span = begin(label + (accumulate ? "+add" : ""));
    launchGemv(a, half(x, cols, ws[0].dtype()), o, ws, accumulate);
    for (int i = 0; i < ws.length; i++) {
      if (biases[i] != null) {
        addBias(o[i], biases[i], 1, ws[i].rows());
      }
    }
    end(span);
    for (DeviceActivations out : outs) {
      out.written();
    }
  }

  private void launchGemv(long[] a, long x16, long[] out, Weight[] ws, boolean accumulate) {
    int rows = 0;
    for (Weight w : ws) {
      rows += w.rows();
    }
    rt.launcher().start(rt.kernels().gemvHalf).pointer(a[0]).pointer(a.length > 1 ? a[1] : 0)
        .pointer(a.length > 2 ? a[2] : 0).pointer(x16).pointer(out[0]).pointer(out.length > 1 ? out[1] : 0)
        .pointer(out.length > 2 ? out[2] : 0).integer(ws[0].rows()).integer(ws.length > 1 ? ws[1].rows() : 0)
        .integer(ws.length > 2 ? ws[2].rows() : 0).integer(ws[0].cols()).integer(ws[0].dtype().ordinal())
        .integer(accumulate ? 1 : 0);
    rt.launcher().launch((rows + GEMV_ROWS_PER_BLOCK - 1) / GEMV_ROWS_PER_BLOCK, 1, CudaRuntime.THREADS,
        rt.device().compute());
  }

  /** The 16-bit copy of the first {@code count} floats of {@code x} in {@code type}, made now if stale. */
  private long half(DeviceActivations x, int count, DType type) {
    if (rt.half() != type) {
      rt.useHalf(type);
    }
    DeviceBuffer h = x.halfBuffer(type, rt.memory());
    if (!x.halfCurrent(type)) {
      rt.launcher().start(rt.kernels().toHalf).pointer(x.address()).pointer(h.address()).integer(x.length())
          .integer(type.ordinal());
      rt.launcher().launch(rt.blocks(x.length()), 1, CudaRuntime.THREADS, rt.device().compute());
      x.writtenWithHalf(type);
    }
    return h.address();
  }

  @Override
  public void rmsNorm(Activations x, int rows, int dim, float[] weight, float eps, Activations output) {
    synchronized (rt) {
      rt.enter();
      DeviceActivations in = DeviceActivations.of(x);
      DeviceActivations out = DeviceActivations.of(output);
      DType type = rt.half();
      long out16 = type == null ? 0 : out.halfBuffer(type, rt.memory()).address();
      // out of place, the normed rows only feed matrix products (the layer's q/k/v and gate/up inputs): the 16-bit
      // copy alone is written, the fp32 values made from it if anything ever reads them
      boolean halfOnly = type != null && out != in && (long) rows * dim == out.length();
      long fp32 = halfOnly ? 0 : in == out ? out.address() : writeTarget(out, (long) rows * dim);
      DeviceBuffer w = weights.vector(weight);
      Object span = begin("rmsNorm");
      rt.launcher().start(rt.kernels().rmsNorm).pointer(in.address()).pointer(fp32).pointer(out16)
          .pointer(w.address()).integer(rows).integer(dim).real(eps).integer(type == null ? 0 : type.ordinal());
      // a block per row; a wide block when the rows are too few to fill the device (decode: one row, whose two
      // passes are otherwise a chain of dependent loads on a single SM)
      int threads = rows < rt.device().multiprocessors() ? 1024 : CudaRuntime.THREADS;
      rt.launcher().launch(rows, 1, threads, rt.device().compute());
      end(span);
      if (halfOnly) {
        out.writtenHalfOnly(type, rt);
      } else if (type == null || (long) rows * dim != out.length()) {
        out.written();
      } else {
        out.writtenWithHalf(type);
      }
    }
  }

  /** The fp32 address an operation writes {@code count} values to: all of them, or a part (then made current). */
  private static long writeTarget(DeviceActivations out, long count) {
    return count == out.length() ? out.writeAddress() : out.address();
  }

  @Override
  public void rope(Activations x, int n, int heads, int headDim, RopeAngles angles) {
    if (angles.half() != headDim / 2) {
      throw new IllegalArgumentException("rope table for head_dim " + 2 * angles.half() + ", not " + headDim);
    }
    synchronized (rt) {
      rt.enter();
      DeviceActivations a = DeviceActivations.of(x);
      DeviceBuffer[] table = rt.angles(angles);
      Object span = begin("rope");
      rt.launcher().start(rt.kernels().rope).pointer(a.address()).pointer(table[0].address())
          .pointer(table[1].address()).integer(n).integer(heads).integer(headDim);
      rt.launcher().launch(rt.blocks((long) n * heads * (headDim / 2)), 1, CudaRuntime.THREADS, rt.device().compute());
      end(span);
      a.written();
    }
  }

  @Override
  public void gatedProduct(Activations x, int n, Weight gate, Weight up, float[] gateBias, float[] upBias,
                           Activations gateOut, Activations upOut) {
    synchronized (rt) {
      rt.enter();
      DeviceActivations in = DeviceActivations.of(x);
      DeviceActivations g = DeviceActivations.of(gateOut);
      DeviceActivations u = DeviceActivations.of(upOut);
      DType type = gate.dtype();
      long count = (long) n * gate.rows();
      boolean half = n > 1 && rt.precision() == Precision.BF16 && type != DType.F32 && up.dtype() == type
          && gateBias == null && upBias == null && up.rows() == gate.rows() && up.cols() == gate.cols()
          && count == g.length() && count == u.length() && (long) n * gate.cols() <= in.length();
      if (!half) {
        Backend.super.gatedProduct(x, n, gate, up, gateBias, upBias, gateOut, upOut);
        return;
      }
      // prefill: both products straight into 16 bits (cuBLAS narrows its fp32 accumulators, as HF's bf16 outputs)
      // and the gate made from them in 16 bits: the MLP's widest tensors cross memory in half the bytes
      long x16 = half(in, n * gate.cols(), type);
      long g16 = g.halfBuffer(type, rt.memory()).address();
      long u16 = u.halfBuffer(type, rt.memory()).address();
      int cType = type == DType.BF16 ? Cublas.R_16BF : Cublas.R_16F;
      GemmCall call = GemmCall.rowMajorTimesTransposed(n, gate.rows(), gate.cols());
      Object span = begin("matmul gemm " + gate.rows() + "x" + gate.cols() + " x2, 16-bit out");
      for (int i = 0; i < 2; i++) {
        rt.cublas().gemm(call.transa(), call.transb(), call.m(), call.n(), call.k(),
            weights.matrix(i == 0 ? gate : up).address(), cType, call.lda(), x16, cType, call.ldb(), false,
            i == 0 ? g16 : u16, cType, call.ldc());
      }
      end(span);
      span = begin("siluMul");
      rt.launcher().start(rt.kernels().siluMulHalf).pointer(g16).pointer(u16).pointer(g16).integer((int) count)
          .integer(type.ordinal());
      rt.launcher().launch(rt.blocks(count / 8 + 1), 1, CudaRuntime.THREADS, rt.device().compute());
      end(span);
      g.writtenHalfOnly(type, rt);
      u.writtenHalfOnly(type, rt);
    }
  }

  @Override
  public void siluMul(Activations gate, Activations up, int count) {
    synchronized (rt) {
      rt.enter();
      DeviceActivations g = DeviceActivations.of(gate);
      DType type = rt.half();
      long g16 = type == null ? 0 : g.halfBuffer(type, rt.memory()).address();
      Object span = begin("siluMul");
      rt.launcher().start(rt.kernels().siluMul).pointer(g.address()).pointer(DeviceActivations.of(up).address())
          .pointer(g16).integer(count).integer(type == null ? 0 : type.ordinal());
      rt.launcher().launch(rt.blocks(count), 1, CudaRuntime.THREADS, rt.device().compute());
      end(span);
      if (type == null || count != g.length()) {
        g.written();
      } else {
        g.writtenWithHalf(type);
      }
    }
  }

  @Override
  public void add(Activations acc, Activations x, int count) {
    synchronized (rt) {
      rt.enter();
      DeviceActivations a = DeviceActivations.of(acc);
      Object span = begin("add");
      rt.launcher().start(rt.kernels().addInplace).pointer(a.address()).pointer(DeviceActivations.of(x).address())
          .integer(count);
      rt.launcher().launch(rt.blocks(count), 1, CudaRuntime.THREADS, rt.device().compute());
      end(span);
      a.written();
    }
  }

  @Override
  public void attention(Activations q, int n, int heads, int[] querySlots, LayerKv kv, AttentionRule rule, float scale,
                        Activations out, float[] lse) {
    synchronized (rt) {
      rt.enter();
      DeviceLayerKv device = DeviceLayerKv.of(kv, rt);
      if (device == null) {
        throw new IllegalArgumentException("attention on the GPU needs the KV cache in device memory (this backend's "
            + "newLayerKv), got " + kv.getClass().getSimpleName());
      }
      Object span = begin("attention " + (attention.flashFor(n, device.headDim()) ? "flash" : "split-K"));
      attention.run(DeviceActivations.of(q), n, heads, querySlots, device, rule, scale, DeviceActivations.of(out), lse);
      end(span);
    }
  }

  /**
   * On the host's cores (the common fork-join pool): this is host-side work such as SnapKV's scores, and a GPU
   * machine has many cores the device calls leave idle. Device reads inside a part ({@code LayerKv.keys}) take the
   * runtime's lock and make its context current on whichever thread runs the part.
   */
  @Override
  public void forEachPart(int parts, IntConsumer task) {
    IntStream.range(0, parts).parallel().forEach(task);
  }

  @Override
  public void close() {
    synchronized (rt) {
      rt.enter();
      rt.device().synchronizeAll();
      rt.memory().releaseCached();
      rt.cublas().close();
    }
  }
}
