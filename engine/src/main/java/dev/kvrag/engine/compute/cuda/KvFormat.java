package dev.kvrag.engine.compute.cuda;

import java.util.Locale;

/**
 * How the device KV cache stores an element. {@link #F16}, the default of the speed path: the two bytes of a bf16 cache
 * with three more bits of mantissa, so a stored key or value is rounded eight times more finely, in a range to ±65504
 * that the keys and values of Llama-family models (projections of a normed residual stream) stay far inside; the
 * tensor-core attention then multiplies in f16 (q and the probabilities too), the same bytes moved and the same
 * tensor-core rate. It halves the GPU's drift from the CPU on the demo model, which is what brings every fusion mode
 * inside the parity bounds (docs/BENCHMARKS.md §7a). {@link #BF16}: HF's own bf16 caches, kept as an option. {@link
 * #F32}: the exact path ({@link Precision#FP32}). {@code kvrag.cuda.kv=f16|bf16} picks the 16-bit one.
 */
enum KvFormat {
  BF16(0, 2),
  F16(1, 2),
  F32(2, 4);

  static final String PROPERTY = "kvrag.cuda.kv";

  private final int code;
  private final int bytes;

  KvFormat(int code, int bytes) {
    this.code = code;
    this.bytes = bytes;
  }

  /** The format of a cache at {@code precision}: fp32 for {@link Precision#FP32}, else the property's (f16 unset). */
  static KvFormat of(Precision precision) {
    if (precision == Precision.FP32) {
      return F32;
    }
    String f = System.getProperty(PROPERTY, "f16").strip().toLowerCase(Locale.ROOT);
    return switch (f) {
      case "bf16" -> BF16;
      case "f16", "fp16" -> F16;
      default -> throw new IllegalArgumentException(PROPERTY + " must be bf16 or f16, got '" + f + "'");
    };
  }

  /** The element type code for the kernels (DType ordinals: 0 = bf16, 1 = f16, 2 = f32). */
  int code() {
    return code;
  }

  /** Bytes per stored K or V element. */
  int bytes() {
    return bytes;
  }

  /** A 16-bit element widened (exactly). */
  float widen(short bits) {
    return this == F16 ? Float.float16ToFloat(bits) : Bf16.widen(bits);
  }

  float[] widen(short[] bits) {
    float[] out = new float[bits.length];
    for (int i = 0; i < bits.length; i++) {
      out[i] = widen(bits[i]);
    }
    return out;
  }

  /** {@code f} rounded to nearest even as a 16-bit element. */
  short narrow(float f) {
    return this == F16 ? Float.floatToFloat16(f) : Bf16.narrow(f);
  }
}
