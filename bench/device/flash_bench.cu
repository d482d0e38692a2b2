// Stand-alone timing and profile target for the flash attention kernel (engine/.../cuda/attention_flash.cu), built
// with nvcc on the GPU machine: causal prefill of n queries x heads (head dim 128, GQA group 4) over n keys, as one
// layer of a Llama-3.1-8B-shape prefill. Prints milliseconds per launch and the attention TFLOP/s (causal half of
// 4 * n^2 * heads * hd). Usage: flash_bench [n] [reps]   (under ncu: reps 1)
#include <cstdio>
#include <cstdlib>
#include <vector>
#include <cuda_runtime.h>
#include "attention_flash.cu"

int main(int argc, char** argv) {
  int n = argc > 1 ? atoi(argv[1]) : 8192;
  int reps = argc > 2 ? atoi(argv[2]) : 20;
  const int heads = 32, group = 4, hd = 128, kvh = heads / group;
  std::vector<float> q((size_t) n * heads * hd);
  std::vector<unsigned short> kv((size_t) kvh * n * hd);
  std::vector<int> slots(n);
  unsigned s = 1;
  for (auto& x : q) x = ((s = s * 1664525u + 1013904223u) >> 9) / 8388608.0f - 1.0f;
  for (auto& x : kv) x = (unsigned short) (0x3c00 + ((s = s * 1664525u + 1013904223u) >> 25));
  for (int t = 0; t < n; t++) slots[t] = t;
  float *dq, *dout; unsigned short *dk, *dv, *dout16; int* dslots; float* dlse;
  cudaMalloc(&dq, q.size() * 4); cudaMalloc(&dout, q.size() * 4); cudaMalloc(&dout16, q.size() * 2);
  cudaMalloc(&dk, kv.size() * 2); cudaMalloc(&dv, kv.size() * 2); cudaMalloc(&dslots, n * 4);
  cudaMalloc(&dlse, (size_t) n * heads * 4);
  cudaMemcpy(dq, q.data(), q.size() * 4, cudaMemcpyHostToDevice);
  cudaMemcpy(dk, kv.data(), kv.size() * 2, cudaMemcpyHostToDevice);
  cudaMemcpy(dv, kv.data(), kv.size() * 2, cudaMemcpyHostToDevice);
  cudaMemcpy(dslots, slots.data(), n * 4, cudaMemcpyHostToDevice);
  int shared = (FLASH_ROWS + 4 * FLASH_KEYS) * (hd + 8) * 2;
  cudaFuncSetAttribute(attention_flash_128, cudaFuncAttributeMaxDynamicSharedMemorySize, shared);
  dim3 grid((n + FLASH_ROWS - 1) / FLASH_ROWS, heads);
  float scale_log2 = 1.4426950408889634f / sqrtf((float) hd);
  auto run = [&] {
    attention_flash_128<<<grid, 128, shared>>>(dq, dk, dv, nullptr, nullptr, dslots, dout, dout16, nullptr, n, heads,
                                               group, n, n, scale_log2, 0);
  };
  run();
  cudaError_t e = cudaDeviceSynchronize();
  if (e != cudaSuccess) { printf("launch failed: %s\n", cudaGetErrorString(e)); return 1; }
  cudaEvent_t a, b; cudaEventCreate(&a); cudaEventCreate(&b);
  cudaEventRecord(a);
  for (int r = 0; r < reps; r++) run();
  cudaEventRecord(b); cudaEventSynchronize(b);
  float ms; cudaEventElapsedTime(&ms, a, b); ms /= reps;
  double flops = 4.0 * n * (double) n * heads * hd / 2;
  printf("flash n=%d heads=%d hd=%d: %.3f ms per layer, %.1f TFLOP/s (x32 layers: %.1f ms)\n", n, heads, hd, ms,
         flops / ms / 1e9, 32 * ms);
  return 0;
}
