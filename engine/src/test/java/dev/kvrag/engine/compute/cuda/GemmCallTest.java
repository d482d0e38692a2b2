package dev.kvrag.engine.compute.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The mapping of the engine's row-major {@code x @ W.T} onto one column-major cuBLAS GEMM, checked by evaluating
 * cuBLAS's definition ({@code C = op(A) · op(B)} in column-major storage with leading dimensions) on the host.
 */
class GemmCallTest {

  /** cublasGemmEx's result as documented, fp64. */
  static double[] columnMajorGemm(GemmCall g, double[] a, double[] b) {
    double[] c = new double[g.ldc() * g.n()];
    for (int i = 0; i < g.m(); i++) {
      for (int j = 0; j < g.n(); j++) {
        double sum = 0;
        for (int p = 0; p < g.k(); p++) {
          double opA = g.transa() == Cublas.OP_N ? a[i + p * g.lda()] : a[p + i * g.lda()];
          double opB = g.transb() == Cublas.OP_N ? b[p + j * g.ldb()] : b[j + p * g.ldb()];
          sum += opA * opB;
        }
        c[i + j * g.ldc()] = sum;
      }
    }
    return c;
  }

  @Test
  void rowMajorProductWithTransposedWeightIsOneColumnMajorGemm() {
    SplittableRandom r = new SplittableRandom(3);
    for (int[] shape : new int[][] {{1, 7, 5}, {13, 4, 9}, {6, 6, 6}, {3, 11, 1}}) {
      int tokens = shape[0];
      int rows = shape[1];
      int cols = shape[2];
      double[] w = r.doubles(rows * cols).toArray();
      double[] x = r.doubles(tokens * cols).toArray();
      GemmCall g = GemmCall.rowMajorTimesTransposed(tokens, rows, cols);
      double[] out = columnMajorGemm(g, w, x);
      for (int t = 0; t < tokens; t++) {
        for (int o = 0; o < rows; o++) {
          double want = 0;
          for (int c = 0; c < cols; c++) {
            want += x[t * cols + c] * w[o * cols + c];
          }
          assertEquals(want, out[t * rows + o], 1e-12, "token " + t + " output " + o);
        }
      }
    }
  }
}
