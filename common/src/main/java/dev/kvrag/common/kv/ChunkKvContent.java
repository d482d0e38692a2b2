package dev.kvrag.common.kv;

import java.util.Objects;

/**
 * The data of one chunk's KV cache, as the blob format carries it: per layer K and V laid out
 * {@code [kvHeads][tokens][headDim]} (row-major, fp32), K already rotated for positions
 * {@code basePosition, basePosition + 1, ...}.
 *
 * @param chunkKey the {@link ChunkKey} the chunk is stored under (hex)
 * @param keys {@code keys[layer]}, each of {@code kvHeads · tokens · headDim} floats
 */
public record ChunkKvContent(
    String modelId,
    String chunkKey,
    int basePosition,
    int[] tokenIds,
    int layers,
    int kvHeads,
    int headDim,
    float[][] keys,
    float[][] values) {

  public ChunkKvContent {
    Objects.requireNonNull(modelId, "model id");
    Objects.requireNonNull(chunkKey, "chunk key");
    Objects.requireNonNull(tokenIds, "token ids");
    if (layers <= 0 || kvHeads <= 0 || headDim <= 0) {
      throw new IllegalArgumentException("layers, kv heads and head dim must be positive: " + layers + ", "
          + kvHeads + ", " + headDim);
    }
    if (tokenIds.length == 0) {
      throw new IllegalArgumentException("a chunk has at least one token");
    }
    if (basePosition < 0) {
      throw new IllegalArgumentException("negative base position " + basePosition);
    }
    if (keys.length != layers || values.length != layers) {
      throw new IllegalArgumentException(layers + " layers but " + keys.length + " K and " + values.length
          + " V arrays");
    }
    long per = (long) kvHeads * tokenIds.length * headDim;
    for (int l = 0; l < layers; l++) {
      if (keys[l].length != per || values[l].length != per) {
        throw new IllegalArgumentException("layer " + l + " holds " + keys[l].length + " K and " + values[l].length
            + " V floats, expected " + per + " (kv heads × tokens × head dim)");
      }
    }
  }

  public int tokenCount() {
    return tokenIds.length;
  }
}
