// Matrix times one vector for decode (batch 1), where the whole cost is reading the weight once: cuBLAS's GEMM at
// n = 1 reached 0.8-2.6 TB/s depending on the shape; a warp per output row reading 16 bytes per lane per step keeps
// every shape near the copy bandwidth. fp32 accumulation, as the GEMM path.
#include "common.cuh"

#define GEMV_UNROLL 4

// 8 stored 16-bit values (one uint4) widened to float.
__device__ __forceinline__ void widen8(uint4 packed, int dtype, float* out) {
  unsigned int w[4] = {packed.x, packed.y, packed.z, packed.w};
#pragma unroll
  for (int i = 0; i < 4; i++) {
    unsigned short lo = (unsigned short) (w[i] & 0xffffu);
    unsigned short hi = (unsigned short) (w[i] >> 16);
    out[2 * i] = dtype == KV_F16 ? f16_to_float(lo) : bf16_to_float(lo);
    out[2 * i + 1] = dtype == KV_F16 ? f16_to_float(hi) : bf16_to_float(hi);
  }
}

// sum + the dot product of 8 stored 16-bit weights with 8 stored 16-bit inputs, in fp32.
__device__ __forceinline__ float dot8(uint4 w, uint4 x, int dtype, float sum) {
  float a[8];
  float b[8];
  widen8(w, dtype, a);
  widen8(x, dtype, b);
#pragma unroll
  for (int i = 0; i < 8; i++) {
    sum += a[i] * b[i];
  }
  return sum;
}

// out_m[r] = sum_c w_m[r][c] * x[c] for up to three matrices w_m [rows_m][cols] sharing the input x [cols] (q, k
// and v; gate and up): one launch instead of three, and the small ones (k, v) no longer run alone, below the
// bandwidth. All 16-bit of dtype (bf16 or f16); cols a multiple of 8, every pointer 16-byte aligned; rows_m = 0 for an
// unused matrix. accumulate != 0 adds to what out holds (a projection into the residual stream). One warp per output
// row of the concatenation; any grid (warps stride over the rows).
extern "C" __global__ void gemv_half(const unsigned short* w0, const unsigned short* w1, const unsigned short* w2,
                                     const unsigned short* x, float* out0, float* out1, float* out2, int rows0,
                                     int rows1, int rows2, int cols, int dtype, int accumulate) {
  const int lane = threadIdx.x & 31;
  const int warps = (int) ((gridDim.x * (size_t) blockDim.x) >> 5);
  const int vectors = cols >> 3;  // uint4s per row
  const int rows = rows0 + rows1 + rows2;
  const uint4* xv = (const uint4*) x;
  for (int r = (int) ((blockIdx.x * (size_t) blockDim.x + threadIdx.x) >> 5); r < rows; r += warps) {
    const unsigned short* w = w0;
    float* out = out0;
    int row = r;
    if (row >= rows0) {
      row -= rows0;
      w = w1;
      out = out1;
      if (row >= rows1) {
        row -= rows1;
        w = w2;
        out = out2;
      }
    }
    const uint4* wr = (const uint4*) (w + (size_t) row * cols);
    float sum = 0.0f;
    int v = lane;
    for (; v + 32 * (GEMV_UNROLL - 1) < vectors; v += 32 * GEMV_UNROLL) {
      uint4 wp[GEMV_UNROLL];
      uint4 xp[GEMV_UNROLL];
#pragma unroll
      for (int u = 0; u < GEMV_UNROLL; u++) {
        wp[u] = wr[v + 32 * u];
        xp[u] = xv[v + 32 * u];
      }
#pragma unroll
      for (int u = 0; u < GEMV_UNROLL; u++) {
        sum = dot8(wp[u], xp[u], dtype, sum);
      }
    }
    for (; v < vectors; v += 32) {
      sum = dot8(wr[v], xv[v], dtype, sum);
    }
    sum = warp_sum(sum);
    if (lane == 0) {
      out[row] = accumulate ? out[row] + sum : sum;
    }
  }
}
