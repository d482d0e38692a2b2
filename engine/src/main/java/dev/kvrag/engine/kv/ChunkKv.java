package dev.kvrag.engine.kv;

import dev.kvrag.common.kv.ChunkKvContent;
import dev.kvrag.common.kv.ChunkKvFormat;
import dev.kvrag.common.kv.KvDtype;
import dev.kvrag.common.kv.KvQuantization;
import dev.kvrag.engine.model.ModelConfig;
import java.util.Objects;

/**
 * One chunk's KV cache as stored for reuse: every layer's K and V for the chunk's tokens (slots
 * {@code 0..n-1} of {@code kv}), K rotated for positions {@code basePosition, basePosition + 1, ...}. A chunk
 * encoded after a prefix of P tokens has base position P (DESIGN §4). The prompt prefix itself is a ChunkKv
 * with base position 0.
 *
 * <p>{@code kv} is not copied; treat a ChunkKv as immutable once built (fusion copies it into the prompt's
 * cache before rotating).
 */
public record ChunkKv(String modelId, int basePosition, int[] tokenIds, KvCache kv) {

  public ChunkKv {
    Objects.requireNonNull(modelId, "model id");
    Objects.requireNonNull(tokenIds, "token ids");
    if (basePosition < 0) {
      throw new IllegalArgumentException("negative base position " + basePosition);
    }
    if (kv.length() != tokenIds.length) {
      throw new IllegalArgumentException("chunk of " + tokenIds.length + " tokens with " + kv.length()
          + " KV slots");
    }
  }

  public int length() {
    return tokenIds.length;
  }

  /** The same data in the blob format's layout ({@code [kvHeads][tokens][headDim]} per layer), copied. */
  public ChunkKvContent toContent(String chunkKey) {
    int layers = kv.layers();
    LayerKv first = kv.layer(0);
    int kvHeads = first.kvHeads();
    int hd = first.headDim();
    int n = length();
    float[][] keys = new float[layers][kvHeads * n * hd];
    float[][] values = new float[layers][kvHeads * n * hd];
    for (int l = 0; l < layers; l++) {
      LayerKv layer = kv.layer(l);
      for (int h = 0; h < kvHeads; h++) {
        System.arraycopy(layer.keys(h), 0, keys[l], h * n * hd, n * hd);
        System.arraycopy(layer.values(h), 0, values[l], h * n * hd, n * hd);
      }
    }
    return new ChunkKvContent(modelId, chunkKey, basePosition, tokenIds.clone(), layers, kvHeads, hd, keys, values);
  }

  /** This chunk KV as a blob of the chunk-KV format ({@link ChunkKvFormat}), stored under {@code chunkKey}. */
  public byte[] toBlob(String chunkKey, KvDtype dtype, KvQuantization quantization) {
    return ChunkKvFormat.encode(toContent(chunkKey), dtype, quantization);
  }

  /** Decodes a blob; a truncated, corrupted or foreign-version blob raises, never yields KV. */
  public static ChunkKv fromBlob(byte[] blob) {
    return fromContent(ChunkKvFormat.decode(blob));
  }

  /** A chunk KV from decoded blob content. */
  public static ChunkKv fromContent(ChunkKvContent c) {
    int n = c.tokenCount();
    int hd = c.headDim();
    int kvHeads = c.kvHeads();
    KvCache kv = new KvCache(c.layers(), kvHeads, hd, n);
    int[] slots = new int[n];
    for (int t = 0; t < n; t++) {
      slots[t] = t;
    }
    float[] k = new float[n * kvHeads * hd];
    float[] v = new float[n * kvHeads * hd];
    for (int l = 0; l < c.layers(); l++) {
      // [kvHeads][tokens][headDim] -> [tokens][kvHeads][headDim], what LayerKv.write takes
      for (int h = 0; h < kvHeads; h++) {
        for (int t = 0; t < n; t++) {
          System.arraycopy(c.keys()[l], (h * n + t) * hd, k, (t * kvHeads + h) * hd, hd);
          System.arraycopy(c.values()[l], (h * n + t) * hd, v, (t * kvHeads + h) * hd, hd);
        }
      }
      kv.layer(l).write(slots, k, v, n);
    }
    return new ChunkKv(c.modelId(), c.basePosition(), c.tokenIds(), kv);
  }

  /** Refuses a chunk KV whose shape is not {@code config}'s (another model's KV is never used). */
  public void checkFits(ModelConfig config) {
    LayerKv first = kv.layer(0);
    if (kv.layers() != config.layers() || first.kvHeads() != config.kvHeads() || first.headDim() != config.headDim()) {
      throw new IllegalArgumentException("chunk KV of model '" + modelId + "' has " + kv.layers() + " layers × "
          + first.kvHeads() + " kv heads × head dim " + first.headDim() + ", the model has " + config.layers()
          + " × " + config.kvHeads() + " × " + config.headDim());
    }
  }
}
