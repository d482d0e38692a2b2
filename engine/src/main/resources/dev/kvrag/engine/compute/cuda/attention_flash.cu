// Prefill attention on the tensor cores (FlashAttention-2 style, mma.sync bf16 -> fp32): a block takes 64 queries of
// one head, a warp 16 of them; keys and values stream through shared memory 64 at a time and each row keeps an
// online softmax (running max in base 2, running sum, rescaled output) in registers. Q is rounded to bf16, the
// probabilities too before P.V; scores, softmax and accumulation are fp32. Any per-query key range works (causal by
// slot, sliding windows, CacheBlend's scattered slots): a key tile is skipped by the warps none of whose rows reach
// it, masked entry by entry otherwise. Head dims 64 and 128.
#include "common.cuh"
#include "tensor_core.cuh"

#define FLASH_ROWS 64
#define FLASH_KEYS 64

// Row t's output (accumulator registers o[dt][c], o[dt][c + 1]) scaled by inv, its 16-bit copy and its log-sum-exp.
template <int DT>
__device__ __forceinline__ void store_row(const float (*o)[4], int c, int t, int n, int heads, int h, int quad,
                                          float inv, float l, float m, float* out, unsigned short* out16, float* lse,
                                          int half_dtype) {
  if (t >= n) {
    return;
  }
  size_t base = ((size_t) t * heads + h) * (DT * 8);
#pragma unroll
  for (int dt = 0; dt < DT; dt++) {
    int col = dt * 8 + 2 * quad;
    float x0 = o[dt][c] * inv;
    float x1 = o[dt][c + 1] * inv;
    out[base + col] = x0;
    out[base + col + 1] = x1;
    if (out16 != 0) {
      out16[base + col] = to_half_bits(x0, half_dtype);
      out16[base + col + 1] = to_half_bits(x1, half_dtype);
    }
  }
  if (quad == 0 && lse != 0) {
    lse[(size_t) t * heads + h] = l > 0.0f ? (m + log2f(l)) * KV_LN2 : KV_NEG_INF;
  }
}

// Keys (or values) [j0, j0 + FLASH_KEYS) of one kv head into a padded shared tile, asynchronously; zero past the
// filled slots (a masked key must still meet a finite value: 0 * NaN).
template <int HD>
__device__ __forceinline__ void load_tile(unsigned short* tile, const unsigned short* head, int j0, int kv_length,
                                          int tid) {
  constexpr int STRIDE = HD + 8;
  constexpr int UNITS = FLASH_KEYS * HD / 8;
  for (int u = tid; u < UNITS; u += 128) {
    int row = u / (HD / 8);
    int c8 = (u - row * (HD / 8)) * 8;
    int j = j0 + row;
    bool valid = j < kv_length;
    cp_async16(tile + row * STRIDE + c8, head + (size_t) (valid ? j : 0) * HD + c8, valid);
  }
}

template <int HD>
__device__ __forceinline__ void flash_attention(const float* q, const unsigned short* keys,
                                                const unsigned short* values, const int* from, const int* to,
                                                const int* slots, float* out, unsigned short* out16, float* lse, int n,
                                                int heads, int group, int capacity, int kv_length, float scale_log2,
                                                int half_dtype) {
  constexpr int STRIDE = HD + 8;  // padded shared rows: ldmatrix rows land in distinct banks
  constexpr int KT = HD / 16;     // k-steps of Q.K^T
  constexpr int DT = HD / 8;      // 8-wide column tiles of the output
  __shared__ __align__(16) unsigned short ks[FLASH_KEYS * STRIDE];
  __shared__ __align__(16) unsigned short vs[FLASH_KEYS * STRIDE];
  __shared__ int row_lo[FLASH_ROWS];
  __shared__ int row_hi[FLASH_ROWS];

  const int tid = threadIdx.x;
  const int warp = tid >> 5;
  const int lane = tid & 31;
  const int grp = lane >> 2;
  const int quad = lane & 3;
  const int h = blockIdx.y;
  const int g = h / group;
  // the last rows first: under a causal rule they see the most keys, and starting them early shortens the tail
  const int r0 = (gridDim.x - 1 - blockIdx.x) * FLASH_ROWS;

  if (tid < FLASH_ROWS) {
    int t = r0 + tid;
    int lo = 0;
    int hi = 0;
    if (t < n) {
      query_range(t, from, to, slots, kv_length, &lo, &hi);
    }
    if (hi < lo) {
      hi = lo;
    }
    row_lo[tid] = lo;
    row_hi[tid] = hi;
  }
  __syncthreads();
  int block_lo = 0x7fffffff;
  int block_hi = 0;
  int warp_lo = 0x7fffffff;
  int warp_hi = 0;
  for (int i = 0; i < FLASH_ROWS; i++) {
    int lo = row_lo[i];
    int hi = row_hi[i];
    if (hi > lo) {
      block_lo = min(block_lo, lo);
      block_hi = max(block_hi, hi);
      if ((i >> 4) == warp) {
        warp_lo = min(warp_lo, lo);
        warp_hi = max(warp_hi, hi);
      }
    }
  }
  const int ra = warp * 16 + grp;
  const int rb = ra + 8;
  const int lo_a = row_lo[ra];
  const int hi_a = row_hi[ra];
  const int lo_b = row_lo[rb];
  const int hi_b = row_hi[rb];
  const int ta = r0 + ra;
  const int tb = r0 + rb;

  unsigned int qf[KT][4];
  {
    const float* qa = q + ((size_t) ta * heads + h) * HD;
    const float* qb = q + ((size_t) tb * heads + h) * HD;
    const bool va = ta < n;
    const bool vb = tb < n;
#pragma unroll
    for (int kt = 0; kt < KT; kt++) {
      int c = kt * 16 + 2 * quad;
      float2 a0 = va ? *(const float2*) (qa + c) : make_float2(0.0f, 0.0f);
      float2 a8 = va ? *(const float2*) (qa + c + 8) : make_float2(0.0f, 0.0f);
      float2 b0 = vb ? *(const float2*) (qb + c) : make_float2(0.0f, 0.0f);
      float2 b8 = vb ? *(const float2*) (qb + c + 8) : make_float2(0.0f, 0.0f);
      qf[kt][0] = pack_bf16(a0.x, a0.y);
      qf[kt][1] = pack_bf16(b0.x, b0.y);
      qf[kt][2] = pack_bf16(a8.x, a8.y);
      qf[kt][3] = pack_bf16(b8.x, b8.y);
    }
  }

  float o[DT][4];
#pragma unroll
  for (int dt = 0; dt < DT; dt++) {
    o[dt][0] = 0.0f;
    o[dt][1] = 0.0f;
    o[dt][2] = 0.0f;
    o[dt][3] = 0.0f;
  }
  float m_a = KV_NEG_INF;
  float m_b = KV_NEG_INF;
  float l_a = 0.0f;
  float l_b = 0.0f;
  const unsigned short* kg = keys + (size_t) g * capacity * HD;
  const unsigned short* vg = values + (size_t) g * capacity * HD;

  // Software pipeline over two shared tiles: V_j arrives while S = Q.K_j^T and its softmax are computed, K_{j+1}
  // while P.V_j is. Copy groups are committed in the order K_0, V_0, K_1, V_1, ... (an empty one after the last K),
  // so a wait with one newer group pending always completes the tile about to be read.
  if (block_lo < block_hi) {
    load_tile<HD>(ks, kg, block_lo, kv_length, tid);
  }
  cp_async_commit();
  for (int j0 = block_lo; j0 < block_hi; j0 += FLASH_KEYS) {
    load_tile<HD>(vs, vg, j0, kv_length, tid);
    cp_async_commit();
    cp_async_wait<1>();
    __syncthreads();  // K_j in shared memory for every warp
    const bool active = j0 < warp_hi && j0 + FLASH_KEYS > warp_lo;
    unsigned int p[4][4];
    if (active) {
      float s[8][4];
#pragma unroll
      for (int nt = 0; nt < 8; nt++) {
        s[nt][0] = 0.0f;
        s[nt][1] = 0.0f;
        s[nt][2] = 0.0f;
        s[nt][3] = 0.0f;
#pragma unroll
        for (int kt = 0; kt < KT; kt += 2) {
          unsigned int b[4];
          ldmatrix_x4(b, ks + (nt * 8 + (lane & 7)) * STRIDE + kt * 16 + (lane >> 3) * 8);
          mma_bf16_16816(s[nt], qf[kt], b[0], b[1]);
          mma_bf16_16816(s[nt], qf[kt + 1], b[2], b[3]);
        }
      }
      float mx_a = KV_NEG_INF;
      float mx_b = KV_NEG_INF;
      // a tile inside both rows' key ranges (most of a causal prefill) needs no mask
      const bool whole = j0 >= lo_a && j0 + FLASH_KEYS <= hi_a && j0 >= lo_b && j0 + FLASH_KEYS <= hi_b;
#pragma unroll
      for (int nt = 0; nt < 8; nt++) {
#pragma unroll
        for (int e = 0; e < 2; e++) {
          int j = j0 + nt * 8 + 2 * quad + e;
          float sa = s[nt][e] * scale_log2;
          float sb = s[nt][2 + e] * scale_log2;
          if (!whole) {
            sa = (j >= lo_a && j < hi_a) ? sa : KV_NEG_INF;
            sb = (j >= lo_b && j < hi_b) ? sb : KV_NEG_INF;
          }
          s[nt][e] = sa;
          s[nt][2 + e] = sb;
          mx_a = fmaxf(mx_a, sa);
          mx_b = fmaxf(mx_b, sb);
        }
      }
      mx_a = fmaxf(mx_a, __shfl_xor_sync(0xffffffffu, mx_a, 1));
      mx_a = fmaxf(mx_a, __shfl_xor_sync(0xffffffffu, mx_a, 2));
      mx_b = fmaxf(mx_b, __shfl_xor_sync(0xffffffffu, mx_b, 1));
      mx_b = fmaxf(mx_b, __shfl_xor_sync(0xffffffffu, mx_b, 2));
      float new_a = fmaxf(m_a, mx_a);
      float new_b = fmaxf(m_b, mx_b);
      float base_a = new_a == KV_NEG_INF ? 0.0f : new_a;
      float base_b = new_b == KV_NEG_INF ? 0.0f : new_b;
      float corr_a = exp2f(m_a - base_a);
      float corr_b = exp2f(m_b - base_b);
      m_a = new_a;
      m_b = new_b;
      l_a *= corr_a;
      l_b *= corr_b;
#pragma unroll
      for (int dt = 0; dt < DT; dt++) {
        o[dt][0] *= corr_a;
        o[dt][1] *= corr_a;
        o[dt][2] *= corr_b;
        o[dt][3] *= corr_b;
      }
#pragma unroll
      for (int nt = 0; nt < 8; nt++) {
        float p0 = exp2f(s[nt][0] - base_a);
        float p1 = exp2f(s[nt][1] - base_a);
        float p2 = exp2f(s[nt][2] - base_b);
        float p3 = exp2f(s[nt][3] - base_b);
        l_a += p0 + p1;
        l_b += p2 + p3;
        p[nt >> 1][(nt & 1) * 2] = pack_bf16(p0, p1);
        p[nt >> 1][(nt & 1) * 2 + 1] = pack_bf16(p2, p3);
      }
    }
    __syncthreads();  // every warp is done with K_j: K_{j+1} may overwrite it
    if (j0 + FLASH_KEYS < block_hi) {
      load_tile<HD>(ks, kg, j0 + FLASH_KEYS, kv_length, tid);
    }
    cp_async_commit();
    cp_async_wait<1>();
    __syncthreads();  // V_j in shared memory for every warp
    if (active) {
#pragma unroll
      for (int kk = 0; kk < 4; kk++) {
#pragma unroll
        for (int dt = 0; dt < DT; dt += 2) {
          unsigned int b[4];
          ldmatrix_x4_trans(b, vs + (kk * 16 + (lane & 7) + ((lane >> 3) & 1) * 8) * STRIDE + dt * 8 + (lane >> 4) * 8);
          mma_bf16_16816(o[dt], p[kk], b[0], b[1]);
          mma_bf16_16816(o[dt + 1], p[kk], b[2], b[3]);
        }
      }
    }
    __syncthreads();  // every warp is done with V_j: V_{j+1} may overwrite it
  }
  cp_async_wait<0>();

  l_a += __shfl_xor_sync(0xffffffffu, l_a, 1);
  l_a += __shfl_xor_sync(0xffffffffu, l_a, 2);
  l_b += __shfl_xor_sync(0xffffffffu, l_b, 1);
  l_b += __shfl_xor_sync(0xffffffffu, l_b, 2);
  float inv_a = l_a > 0.0f ? 1.0f / l_a : 0.0f;
  float inv_b = l_b > 0.0f ? 1.0f / l_b : 0.0f;
  store_row<DT>(o, 0, ta, n, heads, h, quad, inv_a, l_a, m_a, out, out16, lse, half_dtype);
  store_row<DT>(o, 2, tb, n, heads, h, quad, inv_b, l_b, m_b, out, out16, lse, half_dtype);
}

// grid (ceil(n / 64), heads), block 128 (four warps).
extern "C" __global__ void __launch_bounds__(128)
attention_flash_128(const float* q, const unsigned short* keys, const unsigned short* values, const int* from,
                    const int* to, const int* slots, float* out, unsigned short* out16, float* lse, int n, int heads,
                    int group, int capacity, int kv_length, float scale_log2, int half_dtype) {
  flash_attention<128>(q, keys, values, from, to, slots, out, out16, lse, n, heads, group, capacity, kv_length,
                       scale_log2, half_dtype);
}

extern "C" __global__ void __launch_bounds__(128)
attention_flash_64(const float* q, const unsigned short* keys, const unsigned short* values, const int* from,
                   const int* to, const int* slots, float* out, unsigned short* out16, float* lse, int n, int heads,
                   int group, int capacity, int kv_length, float scale_log2, int half_dtype) {
  flash_attention<64>(q, keys, values, from, to, slots, out, out16, lse, n, heads, group, capacity, kv_length,
                      scale_log2, half_dtype);
}
