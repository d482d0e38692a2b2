package dev.kvrag.engine.compute.cuda;

/**
 * One column-major cuBLAS GEMM, {@code C = op(A) · op(B)}, as the arguments of cublasGemmEx.
 *
 * <p>The engine's product is row-major {@code out[t][r] = Σ_c x[t][c] · W[r][c]} ({@code x @ W.T}). Read
 * column-major, the row-major {@code out [tokens][rows]} is {@code rows × tokens} with leading dimension
 * {@code rows}, the weight {@code [rows][cols]} is the {@code cols × rows} matrix W<sup>T</sup> (leading dimension
 * {@code cols}) and {@code x [tokens][cols]} is {@code cols × tokens}. So {@code out = op(A) · op(B)} with A = W
 * transposed ({@code m = rows}, {@code k = cols}, lda = cols) and B = x as is ({@code n = tokens}, ldb = cols),
 * ldc = rows.
 */
record GemmCall(int transa, int transb, int m, int n, int k, int lda, int ldb, int ldc) {

  /** {@code out[tokens][rows] = x[tokens][cols] · W[rows][cols]^T} with A = W, B = x, C = out. */
  static GemmCall rowMajorTimesTransposed(int tokens, int rows, int cols) {
    return new GemmCall(Cublas.OP_T, Cublas.OP_N, rows, tokens, cols, cols, cols, rows);
  }
}
