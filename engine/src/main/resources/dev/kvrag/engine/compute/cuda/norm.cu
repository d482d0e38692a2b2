// RMSNorm, one warp per row, in fp32 as HF: x * rsqrt(mean(x^2) + eps) * weight.
#include "common.cuh"

// out may be x. out16, when not null, receives out narrowed to the 16-bit dtype (the next matrix product's input).
extern "C" __global__ void rms_norm(const float* x, float* out, unsigned short* out16, const float* weight, int rows,
                                    int dim, float eps, int half_dtype) {
  int row = (int) ((blockIdx.x * (size_t) blockDim.x + threadIdx.x) >> 5);
  int lane = threadIdx.x & 31;
  if (row >= rows) {
    return;
  }
  const float* xr = x + (size_t) row * dim;
  float ss = 0.0f;
  for (int i = lane; i < dim; i += 32) {
    float v = xr[i];
    ss += v * v;
  }
  ss = warp_sum(ss);
  float inv = 1.0f / sqrtf(ss / (float) dim + eps);
  float* orow = out + (size_t) row * dim;
  unsigned short* hrow = out16 == 0 ? 0 : out16 + (size_t) row * dim;
  for (int i = lane; i < dim; i += 32) {
    float v = (xr[i] * inv) * weight[i];
    orow[i] = v;
    if (hrow != 0) {
      hrow[i] = to_half_bits(v, half_dtype);
    }
  }
}
