package dev.kvrag.bench.quality;

import dev.kvrag.engine.compress.ChunkCompression;
import dev.kvrag.engine.kv.ChunkKv;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The baseline a query-agnostic score must beat: keeps {@code ⌈keep · n⌉} of a chunk's tokens chosen at random
 * (seeded by the chunk's token ids, so a chunk always loses the same tokens). Benchmark only.
 */
public record RandomTokenDrop(double keep) implements ChunkCompression {

  public RandomTokenDrop {
    if (!(keep > 0 && keep <= 1)) {
      throw new IllegalArgumentException("random drop keeps a share in (0, 1], got " + keep);
    }
  }

  @Override
  public int[] kept(ChunkKv chunk) {
    int n = chunk.length();
    int m = Math.max(1, (int) Math.ceil(keep * n));
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplittableRandom rng = new SplittableRandom(Arrays.hashCode(chunk.tokenIds()));
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int[] kept = Arrays.copyOf(order, m);
    Arrays.sort(kept);
    return kept;
  }

  @Override
  public String scheme(String base) {
    return base + "+random:" + keep;
  }
}
