package dev.kvrag.bench.quality;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kvrag.engine.compress.KeyNormCompression;
import dev.kvrag.engine.kv.ChunkKv;
import dev.kvrag.engine.kv.KvCache;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class StoredChunkCompressionTest {

  private static ChunkKv chunk(int n, int salt) {
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = 100 + i * salt;
    }
    KvCache kv = new KvCache(1, 1, 2, n);
    int[] slots = new int[n];
    Arrays.setAll(slots, i -> i);
    kv.layer(0).write(slots, new float[2 * n], new float[2 * n], n);
    return new ChunkKv("m", 0, ids, kv);
  }

  @Test
  void specsNameTheScoreAndTheKeptShare() {
    assertNull(StoredChunkCompression.parse("none"));
    assertEquals(new KeyNormCompression(0.5), StoredChunkCompression.parse("keynorm:0.5"));
    assertEquals(new RandomTokenDrop(0.25), StoredChunkCompression.parse("random:0.25"));
    assertEquals(new KeyNormCompression(0.5, true), StoredChunkCompression.parse("keynorm-high:0.5"));
    assertEquals("--chunk-compression takes none, keynorm:F, keynorm-high:F or random:F (F the share of tokens "
        + "kept, e.g. keynorm:0.5), got 'keynorm'", assertThrows(IllegalArgumentException.class,
        () -> StoredChunkCompression.parse("keynorm")).getMessage());
    assertEquals("unknown chunk compression 'l1' (none, keynorm, keynorm-high, random)",
        assertThrows(IllegalArgumentException.class, () -> StoredChunkCompression.parse("l1:0.5")).getMessage());
  }

  @Test
  void randomDropKeepsTheShareAscendingAndAlwaysTheSameTokensOfAChunk() {
    RandomTokenDrop half = new RandomTokenDrop(0.5);
    int[] kept = half.kept(chunk(11, 1));
    assertEquals(6, kept.length);
    int[] sorted = kept.clone();
    Arrays.sort(sorted);
    assertArrayEquals(sorted, kept);
    assertEquals(kept.length, Arrays.stream(kept).distinct().count());
    assertArrayEquals(kept, half.kept(chunk(11, 1)), "seeded by the chunk's tokens");
    assertFalse(Arrays.equals(kept, half.kept(chunk(11, 3))) && Arrays.equals(kept, half.kept(chunk(11, 5))),
        "other chunks lose other tokens");
    assertEquals(11, new RandomTokenDrop(1.0).kept(chunk(11, 1)).length);
  }
}
