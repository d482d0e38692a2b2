package dev.kvrag.common.kv;

/**
 * How the elements of a chunk-KV blob are stored: the values themselves, or with int8 quantization their
 * per-channel scales. {@code code} is the byte written in the header.
 */
public enum KvDtype {
  F32(1, 4),
  F16(2, 2),
  BF16(3, 2);

  private final int code;
  private final int bytes;

  KvDtype(int code, int bytes) {
    this.code = code;
    this.bytes = bytes;
  }

  public int code() {
    return code;
  }

  /** Bytes per element. */
  public int bytes() {
    return bytes;
  }

  static KvDtype ofCode(int code) {
    for (KvDtype d : values()) {
      if (d.code == code) {
        return d;
      }
    }
    throw new ChunkKvFormatException("unknown dtype code " + code + " in the chunk-KV header (known: 1 = F32, "
        + "2 = F16, 3 = BF16)");
  }

  /** Parses {@code f32}, {@code f16}, {@code bf16} (any case). */
  public static KvDtype parse(String name) {
    for (KvDtype d : values()) {
      if (d.name().equalsIgnoreCase(name.strip())) {
        return d;
      }
    }
    throw new IllegalArgumentException("unknown KV dtype '" + name + "' (known: f32, f16, bf16)");
  }
}
