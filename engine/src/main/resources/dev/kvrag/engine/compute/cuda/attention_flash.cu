// Prefill attention on the tensor cores (FlashAttention-2 style, mma.sync bf16 or f16 -> fp32): a block takes 128
// queries of one head, each of its four warps 32 of them as two 16-row tiles, so every key and value fragment read from
// shared memory feeds two matrix products. Q (rounded to the cache's 16-bit format) sits in shared memory; keys and
// values stream through it 64 at a time in two stages (cp.async: tile j + 1 arrives while tile j is computed). Each
// row keeps an online softmax (running max in base 2, running sum, rescaled output) in registers; the probabilities
// are rounded to 16 bits before P.V; scores, softmax and accumulation are fp32. Any per-query key range works (causal
// by slot, sliding windows, CacheBlend's scattered slots): a key tile is skipped by the warps none of whose rows reach
// it, masked entry by entry where a row's range ends inside it. Head dims 64 and 128. Dynamic shared memory: (128 + 4
// * 64) * (hd + 8) * 2 bytes (104,448 at hd 128; the launcher raises the kernel's limit above the default 48 KiB).
// scale_log2 must be positive (the running max is kept on unscaled scores).
#include "common.cuh"
#include "tensor_core.cuh"

#define FLASH_ROWS 128
#define FLASH_KEYS 64
#define FLASH_MT 2  // 16-row tiles per warp

// Row t's output (accumulator registers o[dt][c], o[dt][c + 1]) scaled by inv (fp32 unless out is null), its 16-bit
// copy and its log-sum-exp.
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
    if (out != 0) {
      out[base + col] = x0;
      out[base + col + 1] = x1;
    }
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
// filled slots (a masked key must still meet a finite value: 0 * NaN). A thread copies the same 16-byte column of
// every (128 / (HD / 8))-th row, so its addresses are one base plus constant offsets: the copy costs few integer
// instructions in a kernel whose integer and ALU pipes are its bottleneck. Only a tile that runs past kv_length
// takes the per-row check.
template <int HD>
__device__ __forceinline__ void load_tile(unsigned short* tile, const unsigned short* head, int j0, int kv_length,
                                          int tid) {
  constexpr int STRIDE = HD + 8;
  constexpr int PER_ROW = HD / 8;               // 16-byte units in a row
  constexpr int ROWS_PER_PASS = 128 / PER_ROW;  // rows the block's 128 threads copy at once
  const int row = tid / PER_ROW;
  const int c8 = (tid - row * PER_ROW) * 8;
  unsigned short* dst = tile + row * STRIDE + c8;
  if (j0 + FLASH_KEYS <= kv_length) {
    const unsigned short* src = head + (size_t) (j0 + row) * HD + c8;
#pragma unroll
    for (int k = 0; k < FLASH_KEYS / ROWS_PER_PASS; k++) {
      cp_async16(dst + k * ROWS_PER_PASS * STRIDE, src + (size_t) k * ROWS_PER_PASS * HD, true);
    }
  } else {
#pragma unroll
    for (int k = 0; k < FLASH_KEYS / ROWS_PER_PASS; k++) {
      int j = j0 + row + k * ROWS_PER_PASS;
      bool valid = j < kv_length;
      cp_async16(dst + k * ROWS_PER_PASS * STRIDE, head + (size_t) (valid ? j : 0) * HD + c8, valid);
    }
  }
}

template <int HD, bool F16>
__device__ __forceinline__ void flash_attention(const float* q, const unsigned short* keys,
                                                const unsigned short* values, const int* from, const int* to,
                                                const int* slots, float* out, unsigned short* out16, float* lse, int n,
                                                int heads, int group, int capacity, int kv_length, float scale_log2,
                                                int half_dtype) {
  constexpr int STRIDE = HD + 8;  // padded shared rows: ldmatrix rows land in distinct banks
  constexpr int KT = HD / 16;     // k-steps of Q.K^T
  constexpr int DT = HD / 8;      // 8-wide column tiles of the output
  KV_DYNAMIC_SHARED(unsigned short, tiles);
  unsigned short* qs = tiles;  // then per stage a K tile and a V tile
  unsigned short* kv_tiles = qs + FLASH_ROWS * STRIDE;
  __shared__ int row_lo[FLASH_ROWS];
  __shared__ int row_hi[FLASH_ROWS];

  const int tid = threadIdx.x;
  const int warp = tid >> 5;
  const int lane = tid & 31;
  const int grp = lane >> 2;
  const int quad = lane & 3;
  // Blocks start in order of their linear index: read it heads first and the row blocks backwards, so every head's
  // last rows (under a causal rule they see the most keys) start before any head's first ones, which shortens the tail
  const int linear = blockIdx.y * gridDim.x + blockIdx.x;
  const int h = linear % gridDim.y;
  const int g = h / group;
  const int r0 = (gridDim.x - 1 - linear / gridDim.y) * FLASH_ROWS;

  for (int i = tid; i < FLASH_ROWS; i += 128) {
    int t = r0 + i;
    int lo = 0;
    int hi = 0;
    if (t < n) {
      query_range(t, from, to, slots, kv_length, &lo, &hi);
    }
    if (hi < lo) {
      hi = lo;
    }
    row_lo[i] = lo;
    row_hi[i] = hi;
  }
  for (int u = tid; u < FLASH_ROWS * HD / 8; u += 128) {
    int row = u / (HD / 8);
    int c8 = (u - row * (HD / 8)) * 8;
    int t = r0 + row;
    uint4 packed = make_uint4(0u, 0u, 0u, 0u);
    if (t < n) {
      const float* src = q + ((size_t) t * heads + h) * HD + c8;
      packed.x = pack_half2<F16>(src[0], src[1]);
      packed.y = pack_half2<F16>(src[2], src[3]);
      packed.z = pack_half2<F16>(src[4], src[5]);
      packed.w = pack_half2<F16>(src[6], src[7]);
    }
    *(uint4*) (qs + row * STRIDE + c8) = packed;
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
      if ((i >> 5) == warp) {
        warp_lo = min(warp_lo, lo);
        warp_hi = max(warp_hi, hi);
      }
    }
  }
  // this thread's four rows: r = 2 * mt + half is local row warp * 32 + mt * 16 + grp + 8 * half (their ranges are
  // read from shared memory in the masked tiles: registers are this kernel's tightest resource)
  int whole_lo = 0;
  int whole_hi = 0x7fffffff;
#pragma unroll
  for (int r = 0; r < 2 * FLASH_MT; r++) {
    int local = warp * 32 + (r >> 1) * 16 + grp + 8 * (r & 1);
    whole_lo = max(whole_lo, row_lo[local]);
    whole_hi = min(whole_hi, row_hi[local]);
  }

  float o[FLASH_MT][DT][4];
#pragma unroll
  for (int mt = 0; mt < FLASH_MT; mt++) {
#pragma unroll
    for (int dt = 0; dt < DT; dt++) {
      o[mt][dt][0] = 0.0f;
      o[mt][dt][1] = 0.0f;
      o[mt][dt][2] = 0.0f;
      o[mt][dt][3] = 0.0f;
    }
  }
  float m[2 * FLASH_MT];
  float l[2 * FLASH_MT];
#pragma unroll
  for (int r = 0; r < 2 * FLASH_MT; r++) {
    m[r] = KV_NEG_INF;
    l[r] = 0.0f;
  }
  const unsigned short* kg = keys + (size_t) g * capacity * HD;
  const unsigned short* vg = values + (size_t) g * capacity * HD;
  const unsigned short* qw = qs + warp * 32 * STRIDE;

  // Two stages: tile j + 1's keys and values are copied (cp.async) while tile j is computed. One copy group per tile,
  // committed in tile order (an empty one after the last), so waiting with one newer group pending completes tile j.
  constexpr int STAGE = 2 * FLASH_KEYS * STRIDE;
  if (block_lo < block_hi) {
    load_tile<HD>(kv_tiles, kg, block_lo, kv_length, tid);
    load_tile<HD>(kv_tiles + FLASH_KEYS * STRIDE, vg, block_lo, kv_length, tid);
  }
  cp_async_commit();
  int stage = 0;
  for (int j0 = block_lo; j0 < block_hi; j0 += FLASH_KEYS, stage ^= 1) {
    if (j0 + FLASH_KEYS < block_hi) {
      unsigned short* next = kv_tiles + (stage ^ 1) * STAGE;
      load_tile<HD>(next, kg, j0 + FLASH_KEYS, kv_length, tid);
      load_tile<HD>(next + FLASH_KEYS * STRIDE, vg, j0 + FLASH_KEYS, kv_length, tid);
    }
    cp_async_commit();
    cp_async_wait<1>();
    __syncthreads();  // tile j in shared memory for every warp
    const unsigned short* ks = kv_tiles + stage * STAGE;
    const unsigned short* vs = ks + FLASH_KEYS * STRIDE;
    const bool active = j0 < warp_hi && j0 + FLASH_KEYS > warp_lo;
    if (active) {
      unsigned int p[FLASH_MT][4][4];
      float s[FLASH_MT][8][4];
#pragma unroll
      for (int mt = 0; mt < FLASH_MT; mt++) {
#pragma unroll
        for (int nt = 0; nt < 8; nt++) {
          s[mt][nt][0] = 0.0f;
          s[mt][nt][1] = 0.0f;
          s[mt][nt][2] = 0.0f;
          s[mt][nt][3] = 0.0f;
        }
      }
      // one k-step at a time (A of both row tiles: 8 registers), B of two key tiles per ldmatrix
#pragma unroll
      for (int kt = 0; kt < KT; kt++) {
        unsigned int a[FLASH_MT][4];
#pragma unroll
        for (int mt = 0; mt < FLASH_MT; mt++) {
          ldmatrix_x4(a[mt], qw + (mt * 16 + (lane & 7) + ((lane >> 3) & 1) * 8) * STRIDE + kt * 16 + (lane >> 4) * 8);
        }
#pragma unroll
        for (int nt = 0; nt < 8; nt += 2) {
          // matrices: (keys nt*8.., cols kt*16 + 0..7), (same keys, cols +8..15), then the same for keys (nt+1)*8..
          unsigned int b[4];
          ldmatrix_x4(b, ks + (nt * 8 + (lane & 7) + (lane >> 4) * 8) * STRIDE + kt * 16 + ((lane >> 3) & 1) * 8);
#pragma unroll
          for (int mt = 0; mt < FLASH_MT; mt++) {
            mma_half_16816<F16>(s[mt][nt], a[mt], b[0], b[1]);
            mma_half_16816<F16>(s[mt][nt + 1], a[mt], b[2], b[3]);
          }
        }
      }
      // Scores stay unscaled until the exponent (scale_log2 > 0 keeps their order): p = 2^(s * scale_log2 - m *
      // scale_log2) is one FFMA and one MUFU.EX2. A tile inside all four rows' key ranges (most of a causal prefill)
      // takes the loop without masks.
      float mx[2 * FLASH_MT];
#pragma unroll
      for (int r = 0; r < 2 * FLASH_MT; r++) {
        mx[r] = KV_NEG_INF;
      }
      if (j0 >= whole_lo && j0 + FLASH_KEYS <= whole_hi) {
#pragma unroll
        for (int mt = 0; mt < FLASH_MT; mt++) {
#pragma unroll
          for (int nt = 0; nt < 8; nt++) {
            mx[2 * mt] = fmaxf(mx[2 * mt], fmaxf(s[mt][nt][0], s[mt][nt][1]));
            mx[2 * mt + 1] = fmaxf(mx[2 * mt + 1], fmaxf(s[mt][nt][2], s[mt][nt][3]));
          }
        }
      } else {
#pragma unroll
        for (int mt = 0; mt < FLASH_MT; mt++) {
#pragma unroll
          for (int nt = 0; nt < 8; nt++) {
#pragma unroll
            for (int c = 0; c < 4; c++) {
              const int r = 2 * mt + (c >> 1);
              const int j = j0 + nt * 8 + 2 * quad + (c & 1);
              const int local = warp * 32 + mt * 16 + grp + 8 * (c >> 1);
              float v = (j >= row_lo[local] && j < row_hi[local]) ? s[mt][nt][c] : KV_NEG_INF;
              s[mt][nt][c] = v;
              mx[r] = fmaxf(mx[r], v);
            }
          }
        }
      }
      float neg_base[2 * FLASH_MT];  // -(the row's running max) * scale_log2, 0 while the row has seen no key
      bool moved = false;
#pragma unroll
      for (int r = 0; r < 2 * FLASH_MT; r++) {
        mx[r] = fmaxf(mx[r], __shfl_xor_sync(0xffffffffu, mx[r], 1));
        mx[r] = fmaxf(mx[r], __shfl_xor_sync(0xffffffffu, mx[r], 2));
        float next = fmaxf(m[r], mx[r]);
        neg_base[r] = next == KV_NEG_INF ? 0.0f : -next * scale_log2;
        float corr = fast_exp2(fmaf(m[r], scale_log2, neg_base[r]));
        moved |= next != m[r];
        m[r] = next;
        l[r] *= corr;
        mx[r] = corr;  // reused: the rescale of this row's output
      }
      // the running max rarely moves after the first tiles: skip the rescale when no row of the warp's moved
      if (__any_sync(0xffffffffu, moved)) {
#pragma unroll
        for (int mt = 0; mt < FLASH_MT; mt++) {
#pragma unroll
          for (int dt = 0; dt < DT; dt++) {
            o[mt][dt][0] *= mx[2 * mt];
            o[mt][dt][1] *= mx[2 * mt];
            o[mt][dt][2] *= mx[2 * mt + 1];
            o[mt][dt][3] *= mx[2 * mt + 1];
          }
        }
      }
#pragma unroll
      for (int mt = 0; mt < FLASH_MT; mt++) {
#pragma unroll
        for (int nt = 0; nt < 8; nt++) {
          float p0 = fast_exp2(fmaf(s[mt][nt][0], scale_log2, neg_base[2 * mt]));
          float p1 = fast_exp2(fmaf(s[mt][nt][1], scale_log2, neg_base[2 * mt]));
          float p2 = fast_exp2(fmaf(s[mt][nt][2], scale_log2, neg_base[2 * mt + 1]));
          float p3 = fast_exp2(fmaf(s[mt][nt][3], scale_log2, neg_base[2 * mt + 1]));
          l[2 * mt] += p0 + p1;
          l[2 * mt + 1] += p2 + p3;
          p[mt][nt >> 1][(nt & 1) * 2] = pack_half2<F16>(p0, p1);
          p[mt][nt >> 1][(nt & 1) * 2 + 1] = pack_half2<F16>(p2, p3);
        }
      }
#pragma unroll
      for (int kk = 0; kk < 4; kk++) {
#pragma unroll
        for (int dt = 0; dt < DT; dt += 2) {
          unsigned int b[4];
          ldmatrix_x4_trans(b, vs + (kk * 16 + (lane & 7) + ((lane >> 3) & 1) * 8) * STRIDE + dt * 8 + (lane >> 4) * 8);
#pragma unroll
          for (int mt = 0; mt < FLASH_MT; mt++) {
            mma_half_16816<F16>(o[mt][dt], p[mt][kk], b[0], b[1]);
            mma_half_16816<F16>(o[mt][dt + 1], p[mt][kk], b[2], b[3]);
          }
        }
      }
    }
    __syncthreads();  // every warp is done with this stage: the next iteration's copies may overwrite it
  }
  cp_async_wait<0>();

#pragma unroll
  for (int r = 0; r < 2 * FLASH_MT; r++) {
    l[r] += __shfl_xor_sync(0xffffffffu, l[r], 1);
    l[r] += __shfl_xor_sync(0xffffffffu, l[r], 2);
  }
#pragma unroll
  for (int mt = 0; mt < FLASH_MT; mt++) {
#pragma unroll
    for (int half = 0; half < 2; half++) {
      const int r = 2 * mt + half;
      const int t = r0 + warp * 32 + mt * 16 + grp + 8 * half;
      float inv = l[r] > 0.0f ? 1.0f / l[r] : 0.0f;
      store_row<DT>(o[mt], 2 * half, t, n, heads, h, quad, inv, l[r], m[r] * scale_log2, out, out16, lse,
                    half_dtype);
    }
  }
}

// grid (ceil(n / 128), heads), block 128 (four warps), flash_shared_bytes(hd) bytes of dynamic shared memory; keys and
// values bf16 (the _f16 kernels: f16).
extern "C" __global__ void __launch_bounds__(128)
attention_flash_128(const float* q, const unsigned short* keys, const unsigned short* values, const int* from,
                    const int* to, const int* slots, float* out, unsigned short* out16, float* lse, int n, int heads,
                    int group, int capacity, int kv_length, float scale_log2, int half_dtype) {
  flash_attention<128, false>(q, keys, values, from, to, slots, out, out16, lse, n, heads, group, capacity,
                              kv_length, scale_log2, half_dtype);
}

extern "C" __global__ void __launch_bounds__(128)
attention_flash_64(const float* q, const unsigned short* keys, const unsigned short* values, const int* from,
                   const int* to, const int* slots, float* out, unsigned short* out16, float* lse, int n, int heads,
                   int group, int capacity, int kv_length, float scale_log2, int half_dtype) {
  flash_attention<64, false>(q, keys, values, from, to, slots, out, out16, lse, n, heads, group, capacity, kv_length,
                             scale_log2, half_dtype);
}

extern "C" __global__ void __launch_bounds__(128)
attention_flash_128_f16(const float* q, const unsigned short* keys, const unsigned short* values, const int* from,
                        const int* to, const int* slots, float* out, unsigned short* out16, float* lse, int n,
                        int heads, int group, int capacity, int kv_length, float scale_log2, int half_dtype) {
  flash_attention<128, true>(q, keys, values, from, to, slots, out, out16, lse, n, heads, group, capacity,
                             kv_length, scale_log2, half_dtype);
}

extern "C" __global__ void __launch_bounds__(128)
attention_flash_64_f16(const float* q, const unsigned short* keys, const unsigned short* values, const int* from,
                       const int* to, const int* slots, float* out, unsigned short* out16, float* lse, int n, int heads,
                       int group, int capacity, int kv_length, float scale_log2, int half_dtype) {
  flash_attention<64, true>(q, keys, values, from, to, slots, out, out16, lse, n, heads, group, capacity, kv_length,
                            scale_log2, half_dtype);
}
