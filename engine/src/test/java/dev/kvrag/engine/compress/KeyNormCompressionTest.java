package dev.kvrag.engine.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.engine.compute.cpu.CpuBackend;
import dev.kvrag.engine.fusion.ChunkKvSource;
import dev.kvrag.engine.fusion.FusedPrompt;
import dev.kvrag.engine.fusion.FusionInput;
import dev.kvrag.engine.fusion.Naive;
import dev.kvrag.engine.kv.ChunkEncoder;
import dev.kvrag.engine.kv.ChunkKv;
import dev.kvrag.engine.kv.KvCache;
import dev.kvrag.engine.kv.RopeShift;
import dev.kvrag.engine.model.Transformer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KeyNormCompressionTest {

  static final RopeShift NO_ROPE = new RopeShift(new float[] {0f, 0f});

  /** One layer, one kv head, head dim 4: token t's key is {@code norms[t]} along the first axis. */
  static ChunkKv chunk(float... norms) {
    int n = norms.length;
    KvCache kv = new KvCache(1, 1, 4, n);
    float[] k = new float[n * 4];
    float[] v = new float[n * 4];
    int[] slots = new int[n];
    int[] ids = new int[n];
    for (int t = 0; t < n; t++) {
      k[t * 4] = norms[t];
      v[t * 4 + 1] = t;
      slots[t] = t;
      ids[t] = 100 + t;
    }
    kv.layer(0).write(slots, k, v, n);
    return new ChunkKv("m", 3, ids, kv);
  }

  @Test
  void keepsTheLowestKeyNormsInTheirOrder() {
    ChunkKv c = chunk(5, 1, 4, 2, 3, 0.5f);
    assertArrayEquals(new int[] {1, 3, 5}, new KeyNormCompression(0.5).kept(c));
    assertArrayEquals(new int[] {0, 2, 4}, new KeyNormCompression(0.5, true).kept(c), "or the highest");
    ChunkKv small = new KeyNormCompression(0.5).compress(c, NO_ROPE);
    assertArrayEquals(new int[] {101, 103, 105}, small.tokenIds());
    assertEquals(3, small.basePosition());
    assertEquals(3, small.kv().length());
    assertArrayEquals(new float[] {0, 1, 0, 0, 0, 3, 0, 0, 0, 5, 0, 0},
        Arrays.copyOf(small.kv().layer(0).values(0), 12), "values move with their tokens");
  }

  @Test
  void keepingEverythingIsTheChunkItself() {
    ChunkKv c = chunk(1, 2, 3);
    assertSame(c, new KeyNormCompression(1.0).compress(c, NO_ROPE));
    assertEquals(1, new KeyNormCompression(0.01).kept(c).length, "at least one token stays");
    assertThrows(IllegalArgumentException.class, () -> new KeyNormCompression(0));
  }

  @Test
  void keptKeysCloseUpToConsecutivePositionsAndFuseLikeAnyChunk() {
    try (CpuBackend backend = new CpuBackend(2);
         Transformer model = Transformer.load(Path.of("src/test/resources/fixtures/fusion/llama-bf16"), backend)) {
      SplittableRandom r = new SplittableRandom(9);
      int[] prefix = {1, 40, 41};
      int[] a = r.ints(20, 3, 320).toArray();
      int[] b = r.ints(12, 3, 320).toArray();
      ChunkEncoder encoder = new ChunkEncoder(model, "m");
      ChunkKv p = encoder.prefix(prefix);
      ChunkKv ka = encoder.chunk(p, a);
      RopeShift shift = new RopeShift(model.inverseFrequencies());
      KeyNormCompression half = new KeyNormCompression(0.5);
      int[] kept = half.kept(ka);
      ChunkKv small = half.compress(ka, shift);
      assertEquals(10, small.length());
      // row j is token kept[j]'s K moved from position 3 + kept[j] to 3 + j: moving it back restores it
      for (int j = 0; j < kept.length; j++) {
        KvCache row = model.newCache(1);
        row.copyFrom(small.kv(), j, 0, 1);
        shift.shift(row, 0, 1, kept[j] - j);
        for (int l = 0; l < model.config().layers(); l++) {
          float[] back = Arrays.copyOf(row.layer(l).keys(1), 16);
          float[] orig = Arrays.copyOfRange(ka.kv().layer(l).keys(1), kept[j] * 16, kept[j] * 16 + 16);
          for (int d = 0; d < 16; d++) {
            assertEquals(orig[d], back[d], 1e-5 * (1 + Math.abs(orig[d])));
          }
        }
      }
      FusionInput in = new FusionInput(prefix, List.of(small.tokenIds(), b), new int[] {7, 8, 9},
          ChunkKvSource.of(p, List.of(small, encoder.chunk(p, b))), 0);
      FusedPrompt fused = new Naive().fuse(model, in);
      assertEquals(3 + 10 + 12 + 3, fused.session().nextSlot());
      for (float x : fused.lastLogits()) {
        assertTrue(Float.isFinite(x));
      }
    }
  }
}
