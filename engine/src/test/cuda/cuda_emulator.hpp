// A CPU emulator of the little of CUDA that kvrag's kernels use, so that their logic (indexing, masking, online
// softmax, the tensor-core fragment layouts) is tested without a GPU: every CUDA thread of a block is a std::thread,
// __syncthreads and the warp primitives are barriers over shared staging. Blocks run one after another, so a
// __shared__ array (a function-local static here) is private to the running block. Slow, and only for small sizes.
//
// The warp primitives follow the PTX ISA's definitions, written out independently of the kernels: mma.sync
// m16n8k16 (row.col, bf16 -> f32), ldmatrix .x4 with and without .trans, shfl.bfly.
#pragma once
#include <math.h>

#include <algorithm>
#include <barrier>
#include <cstdint>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#define KVRAG_EMULATE 1
#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static
#define __align__(n) __attribute__((aligned(n)))
#define __launch_bounds__(...)

struct dim3 {
  unsigned x = 1, y = 1, z = 1;
};
struct float2 {
  float x, y;
};
struct uint4 {
  unsigned x, y, z, w;
};
inline float2 make_float2(float x, float y) { return {x, y}; }
inline uint4 make_uint4(unsigned x, unsigned y, unsigned z, unsigned w) { return {x, y, z, w}; }

inline thread_local dim3 threadIdx, blockIdx, blockDim, gridDim;

using std::max;
using std::min;

inline float __uint_as_float(unsigned u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
inline unsigned __float_as_uint(float f) {
  unsigned u;
  std::memcpy(&u, &f, 4);
  return u;
}
inline float __int_as_float(int i) {
  float f;
  std::memcpy(&f, &i, 4);
  return f;
}

inline float f16_to_float(unsigned short h) {
  _Float16 x;
  std::memcpy(&x, &h, 2);
  return (float) x;
}
inline unsigned short float_to_f16(float f) {
  _Float16 x = (_Float16) f;
  unsigned short h;
  std::memcpy(&h, &x, 2);
  return h;
}

namespace emu {

struct Warp {
  std::unique_ptr<std::barrier<>> sync;
  float f[32];
  unsigned a[32][4];
  unsigned b[32][2];
  const void* p[32];
};

struct Block {
  std::barrier<> sync;
  std::vector<Warp> warps;
  explicit Block(int threads) : sync(threads), warps(threads / 32) {
    for (auto& w : warps) {
      w.sync = std::make_unique<std::barrier<>>(32);
    }
  }
};

inline thread_local Block* block;
inline thread_local int lane;
inline thread_local int warp;

inline Warp& here() { return block->warps[warp]; }
inline void warp_barrier() { here().sync->arrive_and_wait(); }

inline float bf16_bits_to_float(unsigned short h) { return __uint_as_float(((unsigned) h) << 16); }

inline unsigned short float_to_bf16_rne(float f) {
  unsigned u = __float_as_uint(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return (unsigned short) ((u >> 16) | 0x40u);
  u += 0x7fffu + ((u >> 16) & 1u);
  return (unsigned short) (u >> 16);
}

}  // namespace emu

inline void __syncthreads() { emu::block->sync.arrive_and_wait(); }

inline float __shfl_xor_sync(unsigned, float v, int mask) {
  emu::Warp& w = emu::here();
  w.f[emu::lane] = v;
  emu::warp_barrier();
  float r = w.f[emu::lane ^ mask];
  emu::warp_barrier();
  return r;
}

inline bool __any_sync(unsigned, bool predicate) {
  emu::Warp& w = emu::here();
  w.f[emu::lane] = predicate ? 1.0f : 0.0f;
  emu::warp_barrier();
  bool any = false;
  for (int i = 0; i < 32; i++) any = any || w.f[i] != 0.0f;
  emu::warp_barrier();
  return any;
}

// mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32, with the fragment layouts of the PTX ISA
// (group = lane / 4, quad = lane % 4):
//   A: a0 = A[g][2q, 2q+1], a1 = A[g+8][2q, 2q+1], a2 = A[g][2q+8, 2q+9], a3 = A[g+8][2q+8, 2q+9]
//   B: b0 = B[2q, 2q+1][g], b1 = B[2q+8, 2q+9][g]
//   C: c0, c1 = C[g][2q, 2q+1], c2, c3 = C[g+8][2q, 2q+1]
inline void emulate_mma_16816(float* c, const unsigned* a, unsigned b0, unsigned b1, bool f16) {
  emu::Warp& w = emu::here();
  for (int i = 0; i < 4; i++) w.a[emu::lane][i] = a[i];
  w.b[emu::lane][0] = b0;
  w.b[emu::lane][1] = b1;
  emu::warp_barrier();
  double A[16][16];
  double B[16][8];
  auto widen = [f16](unsigned short h) {
    return f16 ? (double) f16_to_float(h) : (double) emu::bf16_bits_to_float(h);
  };
  auto lo = [&](unsigned r) { return widen((unsigned short) (r & 0xffffu)); };
  auto hi = [&](unsigned r) { return widen((unsigned short) (r >> 16)); };
  for (int L = 0; L < 32; L++) {
    int g = L >> 2, q = L & 3;
    A[g][2 * q] = lo(w.a[L][0]);
    A[g][2 * q + 1] = hi(w.a[L][0]);
    A[g + 8][2 * q] = lo(w.a[L][1]);
    A[g + 8][2 * q + 1] = hi(w.a[L][1]);
    A[g][2 * q + 8] = lo(w.a[L][2]);
    A[g][2 * q + 9] = hi(w.a[L][2]);
    A[g + 8][2 * q + 8] = lo(w.a[L][3]);
    A[g + 8][2 * q + 9] = hi(w.a[L][3]);
    B[2 * q][g] = lo(w.b[L][0]);
    B[2 * q + 1][g] = hi(w.b[L][0]);
    B[2 * q + 8][g] = lo(w.b[L][1]);
    B[2 * q + 9][g] = hi(w.b[L][1]);
  }
  int g = emu::lane >> 2, q = emu::lane & 3;
  double acc[4] = {c[0], c[1], c[2], c[3]};
  for (int k = 0; k < 16; k++) {
    acc[0] += A[g][k] * B[k][2 * q];
    acc[1] += A[g][k] * B[k][2 * q + 1];
    acc[2] += A[g + 8][k] * B[k][2 * q];
    acc[3] += A[g + 8][k] * B[k][2 * q + 1];
  }
  for (int i = 0; i < 4; i++) c[i] = (float) acc[i];
  emu::warp_barrier();
}

// mma.sync.aligned.m16n8k16.row.col.f32.{bf16.bf16, f16.f16}.f32
inline void mma_bf16_16816(float* c, const unsigned* a, unsigned b0, unsigned b1) {
  emulate_mma_16816(c, a, b0, b1, false);
}
inline void mma_f16_16816(float* c, const unsigned* a, unsigned b0, unsigned b1) {
  emulate_mma_16816(c, a, b0, b1, true);
}

// ldmatrix.sync.aligned.m8n8.x4[.trans].shared.b16: lanes 8i..8i+7 give the 8 row addresses of matrix i; register i
// receives, without .trans, M_i[g][2q, 2q+1]; with .trans, M_i[2q][g] and M_i[2q+1][g].
inline void emulate_ldmatrix(unsigned* r, const void* row, bool trans) {
  emu::Warp& w = emu::here();
  w.p[emu::lane] = row;
  emu::warp_barrier();
  int g = emu::lane >> 2, q = emu::lane & 3;
  for (int i = 0; i < 4; i++) {
    const unsigned short* rows[8];
    for (int j = 0; j < 8; j++) rows[j] = (const unsigned short*) w.p[8 * i + j];
    unsigned short lo = trans ? rows[2 * q][g] : rows[g][2 * q];
    unsigned short hi = trans ? rows[2 * q + 1][g] : rows[g][2 * q + 1];
    r[i] = (unsigned) lo | ((unsigned) hi << 16);
  }
  emu::warp_barrier();
}

inline void ldmatrix_x4(unsigned* r, const void* row) { emulate_ldmatrix(r, row, false); }
inline void ldmatrix_x4_trans(unsigned* r, const void* row) { emulate_ldmatrix(r, row, true); }

inline unsigned pack_bf16(float lo, float hi) {
  return (unsigned) emu::float_to_bf16_rne(lo) | ((unsigned) emu::float_to_bf16_rne(hi) << 16);
}
inline unsigned pack_f16(float lo, float hi) {
  return (unsigned) float_to_f16(lo) | ((unsigned) float_to_f16(hi) << 16);
}

// ex2.approx.ftz.f32: the hardware's approximation is within 2 ulp of 2^x; the checks' tolerances are far above.
inline float fast_exp2(float x) { return exp2f(x); }

// Dynamic shared memory: a static array per kernel instantiation, large enough for any launch of the checks
// (blocks run one after another, so one array serves them all).
#define KV_DYNAMIC_SHARED(type, name) static __align__(16) type name[(160 * 1024) / sizeof(type)]

// cp.async as the hardware may do it: the 16 bytes are read at issue and land in shared memory only when a
// cp_async_wait retires their group, so a tile read before its wait (and the barrier after it) shows stale data.
struct PendingCopy {
  void* dst;
  unsigned char bytes[16];
};
inline thread_local std::vector<PendingCopy> uncommitted_copies;
inline thread_local std::vector<std::vector<PendingCopy>> committed_copy_groups;

inline void cp_async16(void* dst, const void* src, bool valid) {
  PendingCopy c{dst, {}};
  if (valid) std::memcpy(c.bytes, src, 16);
  uncommitted_copies.push_back(c);
}

inline void cp_async_commit() {
  committed_copy_groups.push_back(std::move(uncommitted_copies));
  uncommitted_copies.clear();
}

template <int N>
inline void cp_async_wait() {
  while (committed_copy_groups.size() > (size_t) N) {
    for (auto& c : committed_copy_groups.front()) std::memcpy(c.dst, c.bytes, 16);
    committed_copy_groups.erase(committed_copy_groups.begin());
  }
}

// Runs kernel(args...) over the grid, one block at a time, each CUDA thread a std::thread.
template <class Kernel, class... Args>
void launch(dim3 grid, dim3 block, Kernel kernel, Args... args) {
  int threads = (int) (block.x * block.y * block.z);
  for (unsigned bz = 0; bz < grid.z; bz++) {
    for (unsigned by = 0; by < grid.y; by++) {
      for (unsigned bx = 0; bx < grid.x; bx++) {
        emu::Block state(threads);
        std::vector<std::thread> pool;
        for (int tid = 0; tid < threads; tid++) {
          pool.emplace_back([&, tid] {
            threadIdx = {(unsigned) tid % block.x, (unsigned) tid / block.x % block.y,
                         (unsigned) tid / (block.x * block.y)};
            blockIdx = {bx, by, bz};
            blockDim = block;
            gridDim = grid;
            emu::block = &state;
            emu::lane = tid & 31;
            emu::warp = tid >> 5;
            uncommitted_copies.clear();
            committed_copy_groups.clear();
            kernel(args...);
            state.warps[emu::warp].sync->arrive_and_drop();
            state.sync.arrive_and_drop();
          });
        }
        for (auto& t : pool) t.join();
      }
    }
  }
}
