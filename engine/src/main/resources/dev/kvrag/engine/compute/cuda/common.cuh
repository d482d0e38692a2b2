// Shared by every kernel file: number formats and warp reductions. No CUDA headers are included, so the same
// sources compile under NVRTC at run time (CudaKernels), under nvcc (the build check, CudaSourcesCompileTest) and,
// with KVRAG_EMULATE, as C++ on the CPU against an emulator of the warp primitives (KernelEmulationTest).
//
// Storage formats: bf16 and f16 travel as unsigned short bit patterns. A "dtype" argument uses the ordinals of
// dev.kvrag.engine.compute.DType: 0 = bf16, 1 = f16, 2 = f32.
#pragma once

#define KV_BF16 0
#define KV_F16 1
#define KV_F32 2
#define KV_NEG_INF (__int_as_float(0xff800000))
#define KV_LOG2E 1.4426950408889634f
#define KV_LN2 0.6931471805599453f

__device__ __forceinline__ float bf16_to_float(unsigned short h) {
  return __uint_as_float(((unsigned int) h) << 16);
}

// Round to nearest even, as torch's .to(torch.bfloat16); NaN stays NaN.
__device__ __forceinline__ unsigned short float_to_bf16(float f) {
  unsigned int u = __float_as_uint(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) {
    return (unsigned short) ((u >> 16) | 0x40u);
  }
  u += 0x7fffu + ((u >> 16) & 1u);
  return (unsigned short) (u >> 16);
}

#ifndef KVRAG_EMULATE  // the CPU emulator of the kernel tests brings its own
__device__ __forceinline__ float f16_to_float(unsigned short h) {
  float f;
  asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(h));
  return f;
}

__device__ __forceinline__ unsigned short float_to_f16(float f) {
  unsigned short h;
  asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(f));
  return h;
}
#endif

// Element i of a tensor stored as dtype, widened to float.
__device__ __forceinline__ float load_stored(const void* p, size_t i, int dtype) {
  if (dtype == KV_BF16) {
    return bf16_to_float(((const unsigned short*) p)[i]);
  }
  if (dtype == KV_F16) {
    return f16_to_float(((const unsigned short*) p)[i]);
  }
  return ((const float*) p)[i];
}

// Element i of a KV cache stored as kv_dtype (bf16, f16 or f32), widened to float.
__device__ __forceinline__ float load_kv(const void* p, size_t i, int kv_dtype) {
  return load_stored(p, i, kv_dtype);
}

// f narrowed to the 16-bit dtype (bf16 or f16).
__device__ __forceinline__ unsigned short to_half_bits(float f, int dtype) {
  return dtype == KV_F16 ? float_to_f16(f) : float_to_bf16(f);
}

// Stores f as element i of a KV cache of kv_dtype (16 bits: rounded to nearest even).
__device__ __forceinline__ void store_kv(void* p, size_t i, float f, int kv_dtype) {
  if (kv_dtype == KV_F32) {
    ((float*) p)[i] = f;
  } else {
    ((unsigned short*) p)[i] = to_half_bits(f, kv_dtype);
  }
}

// f as a KV cache of kv_dtype would hold it.
__device__ __forceinline__ float round_kv(float f, int kv_dtype) {
  if (kv_dtype == KV_F32) {
    return f;
  }
  unsigned short h = to_half_bits(f, kv_dtype);
  return load_stored(&h, 0, kv_dtype);
}

__device__ __forceinline__ float warp_sum(float v) {
  for (int o = 16; o > 0; o >>= 1) {
    v += __shfl_xor_sync(0xffffffffu, v, o);
  }
  return v;
}

__device__ __forceinline__ float warp_max(float v) {
  for (int o = 16; o > 0; o >>= 1) {
    v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
  }
  return v;
}

// The key range [from, to) query t sees, clamped to the filled slots: explicit per-query bounds when given,
// else causal by slot (from 0 to the query's own slot).
__device__ __forceinline__ void query_range(int t, const int* from, const int* to, const int* slots, int kv_length,
                                            int* lo, int* hi) {
  int f = 0;
  int e;
  if (from != 0) {
    f = from[t] < 0 ? 0 : from[t];
    e = to[t];
  } else {
    e = slots[t] + 1;
  }
  if (e > kv_length) {
    e = kv_length;
  }
  *lo = f;
  *hi = e;
}
