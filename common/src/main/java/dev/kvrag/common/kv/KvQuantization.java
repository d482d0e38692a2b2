package dev.kvrag.common.kv;

/**
 * Quantization of a chunk-KV payload. {@code INT8_CHANNEL}: symmetric int8 with one scale per channel, a channel
 * being (layer, K or V, kv head, head dimension) across the chunk's tokens: {@code x ≈ scale · q},
 * {@code scale = max|x| / 127}. Per-channel because K has outlier channels (the RoPE pairs with the lowest
 * frequencies carry large, token-independent magnitudes), which per-token scales would spread over every
 * channel of the token.
 */
public enum KvQuantization {
  NONE(0),
  INT8_CHANNEL(1);

  private final int code;

  KvQuantization(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  static KvQuantization ofCode(int code) {
    for (KvQuantization q : values()) {
      if (q.code == code) {
        return q;
      }
    }
    throw new ChunkKvFormatException("unknown quantization code " + code + " in the chunk-KV header (known: 0 = "
        + "none, 1 = int8 per channel)");
  }
}
