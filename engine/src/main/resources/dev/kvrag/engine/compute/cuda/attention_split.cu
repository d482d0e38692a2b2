// Attention for few queries (decode) and for any head size: split-K ("flash decoding"). Each warp takes one
// (query, head) and one of `splits` equal parts of the query's key range and keeps an online softmax over it in fp32;
// attention_combine merges the parts by their maxima. Keys and values are the device cache [kv_heads][capacity][hd]
// of kv_dtype (bf16, f16 or f32); query head h reads kv head h / group (GQA). Logits are scale * q.k, handled in
// base 2: scale_log2 = scale * log2(e).
#include "common.cuh"

#define SPLIT_MAX_DIMS 8  // head dims up to 256: eight per lane
#define SPLIT_KEYS_AT_ONCE 4

// One warp's part of attention_split, for a KV cache of element type KV known at compile time: every load_kv of the
// unrolled loops is then one plain load and conversion. (With the type as a run-time argument each load carried its
// own three-way branch, which kept the loads of four keys from being issued together: the f16 cache's decode
// attention took twice the bf16 cache's time on the H100.)
template <int KV>
__device__ __forceinline__ void attention_split_part(const float* q, const void* keys, const void* values,
                                                     const int* from, const int* to, const int* slots, float* part_o,
                                                     float* part_m, float* part_l, int n, int heads, int group, int hd,
                                                     int capacity, int kv_length, int splits, float scale_log2) {
  int warp = threadIdx.x >> 5;
  int lane = threadIdx.x & 31;
  int item = blockIdx.x * 4 + warp;
  int t = blockIdx.y;
  if (item >= heads * splits || t >= n) {
    return;
  }
  int h = item / splits;
  int s = item - h * splits;
  int g = h / group;
  int lo;
  int hi;
  query_range(t, from, to, slots, kv_length, &lo, &hi);
  int len = hi > lo ? hi - lo : 0;
  int chunk = (len + splits - 1) / splits;
  int a = lo + s * chunk;
  int b = a + chunk < hi ? a + chunk : hi;

  float qr[SPLIT_MAX_DIMS];
  float acc[SPLIT_MAX_DIMS];
  const float* qrow = q + ((size_t) t * heads + h) * hd;
#pragma unroll
  for (int i = 0; i < SPLIT_MAX_DIMS; i++) {
    int d = lane + 32 * i;
    qr[i] = d < hd ? qrow[d] : 0.0f;
    acc[i] = 0.0f;
  }
  float m = KV_NEG_INF;
  float l = 0.0f;
  size_t head_base = (size_t) g * capacity * hd;
  // Four keys at a time: their loads and their dot products' shuffles are independent, so they overlap instead of
  // waiting on one another (one key at a time left a decode step's attention latency-bound).
  int j = a;
  for (; j + SPLIT_KEYS_AT_ONCE <= b; j += SPLIT_KEYS_AT_ONCE) {
    float kx[SPLIT_KEYS_AT_ONCE][SPLIT_MAX_DIMS];
    float vx[SPLIT_KEYS_AT_ONCE][SPLIT_MAX_DIMS];
#pragma unroll
    for (int u = 0; u < SPLIT_KEYS_AT_ONCE; u++) {
      size_t row = head_base + (size_t) (j + u) * hd;
#pragma unroll
      for (int i = 0; i < SPLIT_MAX_DIMS; i++) {
        int d = lane + 32 * i;
        kx[u][i] = d < hd ? load_kv(keys, row + d, KV) : 0.0f;
        vx[u][i] = d < hd ? load_kv(values, row + d, KV) : 0.0f;
      }
    }
    float sc[SPLIT_KEYS_AT_ONCE];
#pragma unroll
    for (int u = 0; u < SPLIT_KEYS_AT_ONCE; u++) {
      float dot = 0.0f;
#pragma unroll
      for (int i = 0; i < SPLIT_MAX_DIMS; i++) {
        dot += qr[i] * kx[u][i];
      }
      sc[u] = dot;
    }
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
#pragma unroll
      for (int u = 0; u < SPLIT_KEYS_AT_ONCE; u++) {
        sc[u] += __shfl_xor_sync(0xffffffffu, sc[u], o);
      }
    }
    float mn = m;
#pragma unroll
    for (int u = 0; u < SPLIT_KEYS_AT_ONCE; u++) {
      sc[u] *= scale_log2;
      mn = fmaxf(mn, sc[u]);
    }
    float corr = exp2f(m - mn);
    float p[SPLIT_KEYS_AT_ONCE];
    l *= corr;
#pragma unroll
    for (int u = 0; u < SPLIT_KEYS_AT_ONCE; u++) {
      p[u] = exp2f(sc[u] - mn);
      l += p[u];
    }
#pragma unroll
    for (int i = 0; i < SPLIT_MAX_DIMS; i++) {
      float x = acc[i] * corr;
#pragma unroll
      for (int u = 0; u < SPLIT_KEYS_AT_ONCE; u++) {
        x += p[u] * vx[u][i];
      }
      acc[i] = x;
    }
    m = mn;
  }
  for (; j < b; j++) {
    size_t row = head_base + (size_t) j * hd;
    float dot = 0.0f;
#pragma unroll
    for (int i = 0; i < SPLIT_MAX_DIMS; i++) {
      int d = lane + 32 * i;
      if (d < hd) {
        dot += qr[i] * load_kv(keys, row + d, KV);
      }
    }
    dot = warp_sum(dot);
    float sc = dot * scale_log2;
    float mn = fmaxf(m, sc);
    float corr = exp2f(m - mn);
    float p = exp2f(sc - mn);
    l = l * corr + p;
#pragma unroll
    for (int i = 0; i < SPLIT_MAX_DIMS; i++) {
      int d = lane + 32 * i;
      if (d < hd) {
        acc[i] = acc[i] * corr + p * load_kv(values, row + d, KV);
      }
    }
    m = mn;
  }
  size_t part = ((size_t) t * heads + h) * splits + s;
  float* o = part_o + part * hd;
#pragma unroll
  for (int i = 0; i < SPLIT_MAX_DIMS; i++) {
    int d = lane + 32 * i;
    if (d < hd) {
      o[d] = acc[i];
    }
  }
  if (lane == 0) {
    part_m[part] = m;
    part_l[part] = l;
  }
}

// grid (ceil(heads * splits / 4), n), block 128. part_m, part_l [n][heads][splits]; part_o [n][heads][splits][hd],
// not yet divided by part_l.
extern "C" __global__ void attention_split(const float* q, const void* keys, const void* values, const int* from,
                                           const int* to, const int* slots, float* part_o, float* part_m,
                                           float* part_l, int n, int heads, int group, int hd, int capacity,
                                           int kv_length, int splits, float scale_log2, int kv_dtype) {
  if (kv_dtype == KV_F16) {
    attention_split_part<KV_F16>(q, keys, values, from, to, slots, part_o, part_m, part_l, n, heads, group, hd,
                                 capacity, kv_length, splits, scale_log2);
  } else if (kv_dtype == KV_BF16) {
    attention_split_part<KV_BF16>(q, keys, values, from, to, slots, part_o, part_m, part_l, n, heads, group, hd,
                                  capacity, kv_length, splits, scale_log2);
  } else {
    attention_split_part<KV_F32>(q, keys, values, from, to, slots, part_o, part_m, part_l, n, heads, group, hd,
                                 capacity, kv_length, splits, scale_log2);
  }
}

// One warp per (query, head) row of n * heads: out = sum_s o_s 2^(m_s - M) / sum_s l_s 2^(m_s - M); an empty key
// range gives 0 and lse = -inf. lse (natural log of sum exp(scale * q.k)) is written when not null; out16 (out
// narrowed to the 16-bit dtype) when not null. grid ceil(rows / 4), block 128. The lanes share out the splits for M
// and the sum, and each lane's loads over the splits are independent: a decode step's combine is a few dependent
// loads deep, not one per split.
extern "C" __global__ void attention_combine(const float* part_o, const float* part_m, const float* part_l, float* out,
                                             unsigned short* out16, float* lse, int rows, int hd, int splits,
                                             int half_dtype) {
  int row = (int) ((blockIdx.x * (size_t) blockDim.x + threadIdx.x) >> 5);
  int lane = threadIdx.x & 31;
  if (row >= rows) {
    return;
  }
  const float* pm = part_m + (size_t) row * splits;
  const float* pl = part_l + (size_t) row * splits;
  float big = KV_NEG_INF;
  for (int s = lane; s < splits; s += 32) {
    big = fmaxf(big, pm[s]);
  }
  big = warp_max(big);
  float sum = 0.0f;
  if (big != KV_NEG_INF) {
    for (int s = lane; s < splits; s += 32) {
      if (pm[s] != KV_NEG_INF) {
        sum += pl[s] * exp2f(pm[s] - big);
      }
    }
  }
  sum = warp_sum(sum);
  const float* po = part_o + (size_t) row * splits * hd;
  for (int d = lane; d < hd; d += 32) {
    float o = 0.0f;
    if (sum > 0.0f) {
#pragma unroll 4
      for (int s = 0; s < splits; s++) {
        float ms = pm[s];
        float w = ms != KV_NEG_INF ? exp2f(ms - big) : 0.0f;
        o += w * po[(size_t) s * hd + d];
      }
      o = o / sum;
    }
    out[(size_t) row * hd + d] = o;
    if (out16 != 0) {
      out16[(size_t) row * hd + d] = to_half_bits(o, half_dtype);
    }
  }
  if (lane == 0 && lse != 0) {
    lse[row] = sum > 0.0f ? (big + log2f(sum)) * KV_LN2 : KV_NEG_INF;
  }
}
