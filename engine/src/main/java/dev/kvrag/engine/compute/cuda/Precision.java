package dev.kvrag.engine.compute.cuda;

import java.util.Locale;

/**
 * What the CUDA backend keeps in 16 bits. {@link #BF16}, the speed path: the KV cache in 16 bits (f16 unless {@link
 * KvFormat} says bf16) and the inputs of bf16/f16 matrix products rounded to the weight's type, as HF's bf16 inference
 * does. {@link #FP32}: everything fp32 (weights widened on the device, the KV cache fp32, split-K attention for every
 * query count), so the GPU reproduces the CPU engine to within summation order — for checking the GPU's logic where
 * bf16 noise would hide it (a model whose CacheBlend or SnapKV picks move with a last-bit change). {@code
 * kvrag.cuda.precision=bf16|fp32}.
 */
public enum Precision {
  BF16,
  FP32;

  public static final String PROPERTY = "kvrag.cuda.precision";

  /** The configured precision: the property, else bf16. */
  public static Precision configured() {
    String p = System.getProperty(PROPERTY, "bf16").strip().toUpperCase(Locale.ROOT);
    try {
      return valueOf(p);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(PROPERTY + " must be bf16 or fp32, got '" + p.toLowerCase(Locale.ROOT) + "'");
    }
  }
}
