package dev.kvrag.engine.compute;

/**
 * Element types a checkpoint may store its tensors in. Compute is always fp32; stored values are widened
 * inside the kernels (bf16 → fp32 is a 16-bit shift, fp16 → fp32 a rebias of the exponent).
 */
public enum DType {
  BF16(2, "BF16"),
  F16(2, "F16"),
  F32(4, "F32");

  private final int bytes;
  private final String safetensorsName;

  DType(int bytes, String safetensorsName) {
    this.bytes = bytes;
    this.safetensorsName = safetensorsName;
  }

  public int bytes() {
    return bytes;
  }

  public String safetensorsName() {
    return safetensorsName;
  }

  /** The dtype for a safetensors header name, or null when the engine cannot compute with it. */
  public static DType fromSafetensors(String name) {
    for (DType t : values()) {
      if (t.safetensorsName.equals(name)) {
        return t;
      }
    }
    return null;
  }

  /** The dtype for a config.json {@code torch_dtype}/{@code dtype} value, or null when unknown. */
  public static DType fromTorchName(String name) {
    return switch (name) {
      case "bfloat16" -> BF16;
      case "float16", "half" -> F16;
      case "float32", "float" -> F32;
      default -> null;
    };
  }

  public String torchName() {
    return switch (this) {
      case BF16 -> "bfloat16";
      case F16 -> "float16";
      case F32 -> "float32";
    };
  }
}
