// RMSNorm, one block per row, in fp32 as HF: x * rsqrt(mean(x^2) + eps) * weight. A whole block on a row keeps a
// single decode row (one row, thousands of columns) from running on one warp: the sum of squares is a block reduction.
#include "common.cuh"

#define NORM_MAX_WARPS 32

// out may be x, or null when only out16 is wanted. out16, when not null, receives the result narrowed to the 16-bit
// dtype (the next matrix product's input).
// Any grid: blocks stride over the rows. Block size a multiple of 32, at most 1024.
extern "C" __global__ void rms_norm(const float* x, float* out, unsigned short* out16, const float* weight, int rows,
                                    int dim, float eps, int half_dtype) {
  __shared__ float partial[NORM_MAX_WARPS];
  const int lane = threadIdx.x & 31;
  const int warp = threadIdx.x >> 5;
  const int warps = blockDim.x >> 5;
  for (int row = blockIdx.x; row < rows; row += gridDim.x) {
    const float* xr = x + (size_t) row * dim;
    float ss = 0.0f;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) {
      float v = xr[i];
      ss += v * v;
    }
    ss = warp_sum(ss);
    if (lane == 0) {
      partial[warp] = ss;
    }
    __syncthreads();
    float total = 0.0f;
    for (int w = 0; w < warps; w++) {
      total += partial[w];
    }
    float inv = 1.0f / sqrtf(total / (float) dim + eps);
    float* orow = out + (size_t) row * dim;
    unsigned short* hrow = out16 == 0 ? 0 : out16 + (size_t) row * dim;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) {
      float v = (xr[i] * inv) * weight[i];
      if (out != 0) {
        orow[i] = v;
      }
      if (hrow != 0) {
        hrow[i] = to_half_bits(v, half_dtype);
      }
    }
    __syncthreads();  // partial is rewritten by the next row
  }
}
