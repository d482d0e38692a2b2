package dev.kvrag.engine.compute.cuda;

import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;

import dev.kvrag.engine.compute.DType;
import dev.kvrag.engine.compute.Weight;
import dev.kvrag.engine.model.LayerWeights;
import dev.kvrag.engine.model.ModelWeights;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import jcuda.driver.CUevent;

/**
 * The two ceilings a GPU benchmark is read against, measured on the device with CUDA events (METHOD.md): the matrix
 * rate of cuBLAS's bf16 GEMM with fp32 accumulation on random data, and device memory bandwidth by a large
 * device-to-device copy (bytes read plus bytes written). Also the time of a model's matrix products alone at a
 * given token count: the floor under its prefill.
 */
public final class DeviceCeilings {

  private DeviceCeilings() {
  }

  /** Median milliseconds of {@code work} (queued on the compute stream) over {@code runs}, after one warm-up. */
  private static double time(CudaRuntime rt, int runs, Runnable work) {
    CudaDevice d = rt.device();
    CUevent start = d.newTimingEvent();
    CUevent end = d.newTimingEvent();
    work.run();
    double[] ms = new double[runs];
    float[] elapsed = new float[1];
    for (int r = 0; r < runs; r++) {
      d.record(start, d.compute());
      work.run();
      d.record(end, d.compute());
      cuEventSynchronize(end);
      cuEventElapsedTime(elapsed, start, end);
      ms[r] = elapsed[0];
    }
    Arrays.sort(ms);
    return ms[runs / 2];
  }

  private static DeviceBuffer randomBf16(CudaRuntime rt, long count, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    short[] host = new short[(int) Math.min(count, 1 << 24)];
    for (int i = 0; i < host.length; i++) {
      host[i] = Bf16.narrow((float) r.nextGaussian());
    }
    DeviceBuffer b = rt.memory().allocate(2L * count);
    for (long off = 0; off < count; off += host.length) {
      long n = Math.min(host.length, count - off);
      rt.device().copyToDevice(b.pointer(), 2L * off, jcuda.Pointer.to(host), 2L * n);
    }
    return b;
  }

  /** TFLOP/s of {@code m × n × k} bf16 x bf16 -> fp32 GEMMs, random inputs, two input sets alternating. */
  public static double gemmTflops(CudaBackend backend, int m, int n, int k, int runs) {
    CudaRuntime rt = backend.runtime();
    double[] result = new double[1];
    backend.locked(() -> {
      DeviceBuffer[] a = {randomBf16(rt, (long) m * k, 1), randomBf16(rt, (long) m * k, 2)};
      DeviceBuffer[] b = {randomBf16(rt, (long) k * n, 3), randomBf16(rt, (long) k * n, 4)};
      DeviceBuffer c = rt.memory().allocate(4L * m * n);
      int[] turn = new int[1];
      double ms = time(rt, runs, () -> {
        int i = turn[0]++ & 1;
        rt.cublas().gemm(Cublas.OP_T, Cublas.OP_N, m, n, k, a[i].address(), Cublas.R_16BF, k, b[i].address(),
            Cublas.R_16BF, k, false, c.address(), Cublas.R_32F, m);
      });
      result[0] = 2.0 * m * n * k / (ms * 1e-3) / 1e12;
      for (DeviceBuffer x : new DeviceBuffer[] {a[0], a[1], b[0], b[1], c}) {
        x.close();
      }
    });
    return result[0];
  }

  /** GB/s of a device-to-device copy of {@code bytes}, counting bytes read and bytes written. */
  public static double copyBandwidth(CudaBackend backend, long bytes, int runs) {
    CudaRuntime rt = backend.runtime();
    double[] result = new double[1];
    backend.locked(() -> {
      DeviceBuffer src = randomBf16(rt, bytes / 2, 5);
      DeviceBuffer dst = rt.memory().allocate(bytes);
      double ms = time(rt, runs, () -> rt.device().copyOnDevice(dst.pointer(), 0, src.pointer(), 0, bytes));
      result[0] = 2.0 * bytes / (ms * 1e-3) / 1e9;
      src.close();
      dst.close();
    });
    return result[0];
  }

  /**
   * Milliseconds of the matrix products of one forward pass over {@code tokens} tokens (every layer's projections and
   * the output head for one row), in the model's dtype on random activations: prefill cannot be faster.
   */
  public static double modelGemmMillis(CudaBackend backend, ModelWeights weights, int tokens, int runs) {
    CudaRuntime rt = backend.runtime();
    double[] result = new double[1];
    backend.locked(() -> {
      List<Weight> all = new ArrayList<>();
      for (LayerWeights l : weights.layers()) {
        all.addAll(List.of(l.q(), l.k(), l.v(), l.o(), l.gate(), l.up(), l.down()));
      }
      int widest = 0;
      int tallest = 0;
      for (Weight w : all) {
        widest = Math.max(widest, w.cols());
        tallest = Math.max(tallest, w.rows());
      }
      DeviceWeights device = backend.deviceWeights();
      DeviceBuffer x = randomBf16(rt, (long) tokens * widest, 6);
      DeviceBuffer out = rt.memory().allocate(4L * Math.max((long) tokens * tallest, weights.lmHead().rows()));
      List<DeviceBuffer> uploaded = new ArrayList<>();
      for (Weight w : all) {
        uploaded.add(device.matrix(w));
      }
      DeviceBuffer head = device.matrix(weights.lmHead());
      double ms = time(rt, runs, () -> {
        for (int i = 0; i < all.size(); i++) {
          gemm(rt, all.get(i), uploaded.get(i), tokens, x, out);
        }
        gemm(rt, weights.lmHead(), head, 1, x, out);
      });
      result[0] = ms;
      x.close();
      out.close();
    });
    return result[0];
  }

  private static void gemm(CudaRuntime rt, Weight w, DeviceBuffer a, int tokens, DeviceBuffer x, DeviceBuffer out) {
    int type = w.dtype() == DType.BF16 ? Cublas.R_16BF : w.dtype() == DType.F16 ? Cublas.R_16F : Cublas.R_32F;
    if (type == Cublas.R_32F) {
      throw new IllegalArgumentException("the GEMM floor is measured for 16-bit weights, " + w.name() + " is fp32");
    }
    GemmCall g = GemmCall.rowMajorTimesTransposed(tokens, w.rows(), w.cols());
    rt.cublas().gemm(g.transa(), g.transb(), g.m(), g.n(), g.k(), a.address(), type, g.lda(), x.address(), type,
        g.ldb(), false, out.address(), Cublas.R_32F, g.ldc());
  }
}
