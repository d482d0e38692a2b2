// Row-wise and element-wise operations of the forward pass. Grid-stride loops: any grid size is correct.
#include "common.cuh"

// out[t][d] = table[ids[t]][d] widened to fp32; table [vocab][dim] stored as dtype.
extern "C" __global__ void embed(const void* table, const int* ids, float* out, int n, int dim, int dtype) {
  size_t total = (size_t) n * dim;
  for (size_t i = blockIdx.x * (size_t) blockDim.x + threadIdx.x; i < total; i += (size_t) gridDim.x * blockDim.x) {
    size_t t = i / dim;
    size_t d = i - t * dim;
    out[i] = load_stored(table, (size_t) ids[t] * dim + d, dtype);
  }
}

// out[i] = src[i] widened from dtype to fp32 (a weight's fp32 copy, for the exact precision)
extern "C" __global__ void widen(const void* src, float* out, int count, int dtype) {
  for (size_t i = blockIdx.x * (size_t) blockDim.x + threadIdx.x; i < (size_t) count;
       i += (size_t) gridDim.x * blockDim.x) {
    out[i] = load_stored(src, i, dtype);
  }
}

// acc[i] += x[i]
extern "C" __global__ void add_inplace(float* acc, const float* x, int count) {
  for (size_t i = blockIdx.x * (size_t) blockDim.x + threadIdx.x; i < (size_t) count;
       i += (size_t) gridDim.x * blockDim.x) {
    acc[i] += x[i];
  }
}

// out[t][r] += bias[r] for out [n][rows]
extern "C" __global__ void bias_add(float* out, const float* bias, int n, int rows) {
  size_t total = (size_t) n * rows;
  for (size_t i = blockIdx.x * (size_t) blockDim.x + threadIdx.x; i < total; i += (size_t) gridDim.x * blockDim.x) {
    out[i] += bias[i % rows];
  }
}

// gate[i] = silu(gate[i]) * up[i], as HF: g / (1 + exp(-g)) * u; also its 16-bit copy when gate16 is not null.
extern "C" __global__ void silu_mul(float* gate, const float* up, unsigned short* gate16, int count, int half_dtype) {
  for (size_t i = blockIdx.x * (size_t) blockDim.x + threadIdx.x; i < (size_t) count;
       i += (size_t) gridDim.x * blockDim.x) {
    float g = gate[i];
    float r = g / (1.0f + expf(-g)) * up[i];
    gate[i] = r;
    if (gate16 != 0) {
      gate16[i] = to_half_bits(r, half_dtype);
    }
  }
}

// out16[i] = silu(gate16[i]) * up16[i] for the MLP's products kept in 16 bits of half_dtype (as HF keeps them in
// bf16), in fp32 and narrowed once: 6 bytes per element where the fp32 pass moves 14. Eight elements per step when
// count is a multiple of 8 (16-byte loads); out16 may be gate16.
extern "C" __global__ void silu_mul_half(const unsigned short* gate16, const unsigned short* up16,
                                         unsigned short* out16, int count, int half_dtype) {
  size_t stride = (size_t) gridDim.x * blockDim.x;
  size_t first = blockIdx.x * (size_t) blockDim.x + threadIdx.x;
  if ((count & 7) == 0) {
    for (size_t v = first; v < (size_t) count / 8; v += stride) {
      uint4 g = ((const uint4*) gate16)[v];
      uint4 u = ((const uint4*) up16)[v];
      unsigned int gw[4] = {g.x, g.y, g.z, g.w};
      unsigned int uw[4] = {u.x, u.y, u.z, u.w};
      unsigned int ow[4];
#pragma unroll
      for (int i = 0; i < 4; i++) {
        unsigned short r[2];
#pragma unroll
        for (int k = 0; k < 2; k++) {
          unsigned short gh = (unsigned short) (gw[i] >> (16 * k));
          unsigned short uh = (unsigned short) (uw[i] >> (16 * k));
          float gv = load_stored(&gh, 0, half_dtype);
          float uv = load_stored(&uh, 0, half_dtype);
          r[k] = to_half_bits(gv / (1.0f + expf(-gv)) * uv, half_dtype);
        }
        ow[i] = (unsigned int) r[0] | ((unsigned int) r[1] << 16);
      }
      ((uint4*) out16)[v] = make_uint4(ow[0], ow[1], ow[2], ow[3]);
    }
    return;
  }
  for (size_t i = first; i < (size_t) count; i += stride) {
    float gv = load_stored(gate16, i, half_dtype);
    float uv = load_stored(up16, i, half_dtype);
    out16[i] = to_half_bits(gv / (1.0f + expf(-gv)) * uv, half_dtype);
  }
}

// out[i] = x[i] narrowed to the 16-bit dtype (the input of a bf16/f16 matrix product).
extern "C" __global__ void to_half(const float* x, unsigned short* out, int count, int half_dtype) {
  for (size_t i = blockIdx.x * (size_t) blockDim.x + threadIdx.x; i < (size_t) count;
       i += (size_t) gridDim.x * blockDim.x) {
    out[i] = to_half_bits(x[i], half_dtype);
  }
}

// out[r][*] = x[rows[r]][*] for out [count][width]
extern "C" __global__ void gather_rows(const float* x, const int* rows, float* out, int count, int width) {
  size_t total = (size_t) count * width;
  for (size_t i = blockIdx.x * (size_t) blockDim.x + threadIdx.x; i < total; i += (size_t) gridDim.x * blockDim.x) {
    size_t r = i / width;
    size_t c = i - r * width;
    out[i] = x[(size_t) rows[r] * width + c];
  }
}
