// Rotary embeddings, rotate-half convention: pairs (x_i, x_{i + d/2}).
#include "common.cuh"

// x [n][heads][hd] in place; cos/sin [n][hd/2] per token.
extern "C" __global__ void rope(float* x, const float* cos_table, const float* sin_table, int n, int heads, int hd) {
  int half = hd / 2;
  size_t total = (size_t) n * heads * half;
  for (size_t i = blockIdx.x * (size_t) blockDim.x + threadIdx.x; i < total; i += (size_t) gridDim.x * blockDim.x) {
    size_t row = i / half;
    int j = (int) (i - row * half);
    size_t t = row / heads;
    float* r = x + row * hd;
    float c = cos_table[t * half + j];
    float s = sin_table[t * half + j];
    float x1 = r[j];
    float x2 = r[j + half];
    r[j] = x1 * c - x2 * s;
    r[j + half] = x2 * c + x1 * s;
  }
}

// Stored keys [kv_heads][capacity][hd] of kv_dtype: slots [from, from + count) of every head rotated by one angle per
// pair (cos/sin [hd/2]): what moving keys from position p to p + delta takes (RopeShift). Math in fp32, stored as
// kv_dtype.
extern "C" __global__ void rotate_keys(void* keys, const float* cos_delta, const float* sin_delta, int kv_heads,
                                       int capacity, int hd, int from, int count, int kv_dtype) {
  int half = hd / 2;
  size_t total = (size_t) kv_heads * count * half;
  for (size_t i = blockIdx.x * (size_t) blockDim.x + threadIdx.x; i < total; i += (size_t) gridDim.x * blockDim.x) {
    size_t row = i / half;
    int j = (int) (i - row * half);
    size_t g = row / count;
    size_t s = from + (row - g * count);
    size_t row_start = (g * capacity + s) * hd;
    float x1 = load_kv(keys, row_start + j, kv_dtype);
    float x2 = load_kv(keys, row_start + j + half, kv_dtype);
    float c = cos_delta[j];
    float sn = sin_delta[j];
    store_kv(keys, row_start + j, x1 * c - x2 * sn, kv_dtype);
    store_kv(keys, row_start + j + half, x2 * c + x1 * sn, kv_dtype);
  }
}

// The tables of RopeAngles: cos/sin [n][half] of positions[t] * inv_freq[i], the product in fp32 as on the host (and
// in HF); cosf/sinf are within 2 ulp of the host's correctly rounded values, with full range reduction.
extern "C" __global__ void rope_angles(const int* positions, const float* inv_freq, float* cos_table,
                                       float* sin_table, int n, int half) {
  size_t total = (size_t) n * half;
  for (size_t i = blockIdx.x * (size_t) blockDim.x + threadIdx.x; i < total; i += (size_t) gridDim.x * blockDim.x) {
    size_t t = i / half;
    int j = (int) (i - t * half);
    float angle = (float) positions[t] * inv_freq[j];
    cos_table[i] = cosf(angle);
    sin_table[i] = sinf(angle);
  }
}
