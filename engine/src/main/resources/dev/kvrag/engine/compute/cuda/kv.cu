// The device KV cache: per layer keys and values as [kv_heads][capacity][hd] (the host layout), stored as kv_dtype:
// bf16 or f16 (the speed path) or f32 (the exact one).
#include "common.cuh"

// k, v [n][kv_heads][hd] fp32 (fresh projections) stored at slots[t].
extern "C" __global__ void kv_write(const float* k, const float* v, const int* slots, void* keys, void* values, int n,
                                    int kv_heads, int hd, int capacity, int kv_dtype) {
  size_t total = (size_t) n * kv_heads * hd;
  for (size_t i = blockIdx.x * (size_t) blockDim.x + threadIdx.x; i < total; i += (size_t) gridDim.x * blockDim.x) {
    size_t row = i / hd;
    size_t d = i - row * hd;
    size_t t = row / kv_heads;
    size_t g = row - t * kv_heads;
    size_t dst = (g * capacity + slots[t]) * hd + d;
    store_kv(keys, dst, k[i], kv_dtype);
    store_kv(values, dst, v[i], kv_dtype);
  }
}

// CacheBlend's value deviation, one warp per token t < count: dev[t] = sum over kv heads and dims of
// (v[t][g][d] - values[g][t][d])^2, the fresh value rounded as it would be stored first, so a token whose fresh value
// equals the stored one scores exactly 0, as on the CPU.
extern "C" __global__ void value_deviation(const float* v, const void* values, float* dev, int count, int kv_heads,
                                           int hd, int capacity, int kv_dtype) {
  int t = (int) ((blockIdx.x * (size_t) blockDim.x + threadIdx.x) >> 5);
  int lane = threadIdx.x & 31;
  if (t >= count) {
    return;
  }
  float sum = 0.0f;
  int width = kv_heads * hd;
  for (int i = lane; i < width; i += 32) {
    int g = i / hd;
    int d = i - g * hd;
    float fresh = v[(size_t) t * width + i];
    fresh = round_kv(fresh, kv_dtype);
    float diff = fresh - load_kv(values, ((size_t) g * capacity + t) * hd + d, kv_dtype);
    sum += diff * diff;
  }
  sum = warp_sum(sum);
  if (lane == 0) {
    dev[t] = sum;
  }
}
