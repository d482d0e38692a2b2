package dev.kvrag.engine.compute.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kvrag.engine.compute.Activations;
import dev.kvrag.engine.compute.DType;
import dev.kvrag.engine.compute.Weight;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CpuBackendMatmulTest {

  static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  static Arena arena;
  static CpuBackend backend;

  @BeforeAll
  static void start() {
    arena = Arena.ofShared();
    backend = new CpuBackend(2);
  }

  @AfterAll
  static void stop() {
    backend.close();
    arena.close();
  }

  /** A random weight stored in {@code dtype}; {@code exact} receives the stored values widened. */
  static Weight weight(DType dtype, int rows, int cols, long seed, double[] exact) {
    MemorySegment seg = arena.allocate((long) rows * cols * dtype.bytes());
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < rows * cols; i++) {
      float v = (float) r.nextGaussian();
      switch (dtype) {
        case BF16 -> {
          short s = (short) (Float.floatToIntBits(v) >>> 16);
          seg.setAtIndex(SHORT, i, s);
          exact[i] = Float.intBitsToFloat(s << 16);
        }
        case F16 -> {
          short s = Float.floatToFloat16(v);
          seg.setAtIndex(SHORT, i, s);
          exact[i] = Float.float16ToFloat(s);
        }
        case F32 -> {
          seg.setAtIndex(FLOAT, i, v);
          exact[i] = v;
        }
      }
    }
    return new Weight("w", dtype, rows, cols, seg);
  }

  static float[] input(int n, int cols, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n * cols];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return x;
  }

  static void check(float[] x, int n, double[] w, float[] bias, int rows, int cols, float[] out) {
    for (int t = 0; t < n; t++) {
      for (int r = 0; r < rows; r++) {
        double s = bias == null ? 0 : bias[r];
        double mag = 0;
        for (int k = 0; k < cols; k++) {
          s += x[t * cols + k] * w[r * cols + k];
          mag += Math.abs(x[t * cols + k] * w[r * cols + k]);
        }
        assertEquals(s, out[t * rows + r], 1e-5 * (mag + 1), "token " + t + " row " + r);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void productsMatchFloat64ForEveryTokenCountAndRaggedShapeIncludingMultiChunkDecode(DType dtype) {
    int[][] shapes = {{1, 1}, {13, 37}, {50, 16}, {29, 300}, {7, 513}, {1030, 24}};
    int[] tokenCounts = {1, 3, 7, 8, 33, 70};
    for (int[] shape : shapes) {
      int rows = shape[0];
      int cols = shape[1];
      double[] exact = new double[rows * cols];
      Weight w = weight(dtype, rows, cols, rows * 31L + cols, exact);
      for (int n : tokenCounts) {
        float[] x = input(n, cols, n);
        float[] out = new float[n * rows];
        backend.matmul(backend.upload(x), n, w, null, backend.upload(out));
        check(x, n, exact, null, rows, cols, out);
      }
    }
  }

  @Test
  void projectionsOfOneInputRunTogetherWithTheirBiases() {
    int cols = 40;
    double[][] exact = {new double[24 * cols], new double[8 * cols], new double[8 * cols]};
    Weight[] ws = {weight(DType.BF16, 24, cols, 1, exact[0]), weight(DType.BF16, 8, cols, 2, exact[1]),
        weight(DType.BF16, 8, cols, 3, exact[2])};
    float[][] biases = {input(1, 24, 4), null, input(1, 8, 5)};
    for (int n : new int[] {1, 2, 40}) {
      float[] x = input(n, cols, 6);
      float[][] outs = {new float[n * 24], new float[n * 8], new float[n * 8]};
      backend.matmul(backend.upload(x), n, ws, biases, new Activations[] {backend.upload(outs[0]),
          backend.upload(outs[1]), backend.upload(outs[2])});
      for (int i = 0; i < 3; i++) {
        check(x, n, exact[i], biases[i], ws[i].rows(), cols, outs[i]);
      }
    }
  }

  @Test
  void singleThreadedBackendComputesTheSame() {
    double[] exact = new double[30 * 70];
    Weight w = weight(DType.BF16, 30, 70, 9, exact);
    try (CpuBackend one = new CpuBackend(1)) {
      for (int n : new int[] {1, 20}) {
        float[] x = input(n, 70, 10);
        float[] out = new float[n * 30];
        one.matmul(one.upload(x), n, w, null, one.upload(out));
        check(x, n, exact, null, 30, 70, out);
      }
    }
  }

  @Test
  void outputTooSmallIsRejectedNamingTheWeight() {
    double[] exact = new double[4 * 4];
    Weight w = weight(DType.F32, 4, 4, 11, exact);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> backend.matmul(backend.upload(new float[8]), 2, w, null, backend.upload(new float[7])));
    assertEquals(true, e.getMessage().contains("w"), e.getMessage());
  }
}
