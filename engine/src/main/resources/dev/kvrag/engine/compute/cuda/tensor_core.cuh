// Warp-level tensor-core primitives (sm_80 and newer, so sm_90 too): mma.sync m16n8k16 with bf16 inputs and fp32
// accumulators, ldmatrix from shared memory, bf16 pair packing. Register layouts, from the PTX ISA (lane = 4 * group
// + quad):
//   A 16x16 (row-major): a[0] = (row group,     cols 2*quad, +1)   a[1] = (row group + 8, cols 2*quad, +1)
//                        a[2] = (row group,     cols 2*quad+8, +9) a[3] = (row group + 8, cols 2*quad+8, +9)
//   B 16x8  (k x n):     b[0] = (k 2*quad, +1; n group)            b[1] = (k 2*quad+8, +9; n group)
//   C 16x8  (fp32):      c[0], c[1] = (row group, cols 2*quad, +1) c[2], c[3] = (row group + 8, same cols)
// Each 32-bit register holds two bf16, the lower column (or k) in the low half.
#pragma once
#ifndef KVRAG_EMULATE  // the CPU emulator of the kernel tests brings its own

// The block's dynamic shared memory (its size is given at launch) as an array of type.
#define KV_DYNAMIC_SHARED(type, name) extern __shared__ __align__(16) type name[]

__device__ __forceinline__ unsigned int pack_bf16(float lo, float hi) {
  unsigned int r;
  asm("cvt.rn.bf16x2.f32 %0, %1, %2;" : "=r"(r) : "f"(hi), "f"(lo));
  return r;
}

__device__ __forceinline__ void mma_bf16_16816(float* c, const unsigned int* a, unsigned int b0, unsigned int b1) {
  asm volatile(
      "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
      "{%0, %1, %2, %3};"
      : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

__device__ __forceinline__ unsigned int pack_f16(float lo, float hi) {
  unsigned int r;
  asm("cvt.rn.f16x2.f32 %0, %1, %2;" : "=r"(r) : "f"(hi), "f"(lo));
  return r;
}

__device__ __forceinline__ void mma_f16_16816(float* c, const unsigned int* a, unsigned int b0, unsigned int b1) {
  asm volatile(
      "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
      "{%0, %1, %2, %3};"
      : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

__device__ __forceinline__ unsigned int shared_address(const void* p) {
  unsigned int a;
  asm("{ .reg .u64 t; cvta.to.shared.u64 t, %1; cvt.u32.u64 %0, t; }" : "=r"(a) : "l"(p));
  return a;
}

// Four 8x8 bf16 matrices; lanes 8m..8m+7 give the row addresses (16 bytes each) of matrix m. Without .trans lane
// receives, per matrix, (row group, cols 2*quad, +1); with .trans (rows 2*quad, +1; col group).
__device__ __forceinline__ void ldmatrix_x4(unsigned int* r, const void* row) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0, %1, %2, %3}, [%4];"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(shared_address(row)));
}

__device__ __forceinline__ void ldmatrix_x4_trans(unsigned int* r, const void* row) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0, %1, %2, %3}, [%4];"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(shared_address(row)));
}
// 2^x in one MUFU.EX2 (flush-to-zero: probabilities below 2^-126 are 0, far under bf16's resolution of a sum of
// them); 2^-inf = 0.
__device__ __forceinline__ float fast_exp2(float x) {
  float y;
  asm("ex2.approx.ftz.f32 %0, %1;" : "=f"(y) : "f"(x));
  return y;
}

// Asynchronous 16-byte copy global -> shared (cp.async, sm_80+), zero-filled when !valid (src is then not read).
// Copies issued by a thread complete, for that thread, at cp_async_wait<N>() with at most N newer groups pending;
// other threads see them after a __syncthreads that follows the wait.
__device__ __forceinline__ void cp_async16(void* dst, const void* src, bool valid) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;"
               :
               : "r"(shared_address(dst)), "l"(src), "r"(valid ? 16 : 0));
}

__device__ __forceinline__ void cp_async_commit() {
  asm volatile("cp.async.commit_group;");
}

template <int N>
__device__ __forceinline__ void cp_async_wait() {
  asm volatile("cp.async.wait_group %0;" : : "n"(N));
}
#endif

// The pair packing and the product of one 16-bit format: F16 (f16) or not (bf16); the fragment layouts are the same.
template <bool F16>
__device__ __forceinline__ unsigned int pack_half2(float lo, float hi) {
  return F16 ? pack_f16(lo, hi) : pack_bf16(lo, hi);
}

template <bool F16>
__device__ __forceinline__ void mma_half_16816(float* c, const unsigned int* a, unsigned int b0, unsigned int b1) {
  if (F16) {
    mma_f16_16816(c, a, b0, b1);
  } else {
    mma_bf16_16816(c, a, b0, b1);
  }
}
