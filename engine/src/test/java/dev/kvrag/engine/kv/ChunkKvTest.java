package dev.kvrag.engine.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.common.kv.ChunkKvFormatException;
import dev.kvrag.common.kv.KvDtype;
import dev.kvrag.common.kv.KvQuantization;
import dev.kvrag.engine.compute.AttentionRule;
import dev.kvrag.engine.compute.cpu.CpuBackend;
import dev.kvrag.engine.model.Transformer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ChunkKvTest {

  static CpuBackend backend;
  static Transformer model;

  @BeforeAll
  static void start() {
    backend = new CpuBackend(2);
    model = Transformer.load(RopeShiftTest.FUSION.resolve("qwen2-fp32"), backend);
  }

  @AfterAll
  static void stop() {
    model.close();
    backend.close();
  }

  @Test
  void aChunkIsEncodedAfterThePrefixAtPositionsPOn() {
    SplittableRandom r = new SplittableRandom(5);
    int[] prefix = RopeShiftTest.tokens(r, 6, 320);
    int[] chunk = RopeShiftTest.tokens(r, 11, 320);
    ChunkEncoder encoder = new ChunkEncoder(model, "qwen2-fp32");
    ChunkKv kv = encoder.chunk(encoder.prefix(prefix), chunk);
    assertEquals(6, kv.basePosition());
    assertArrayEquals(chunk, kv.tokenIds());
    int[] all = new int[17];
    System.arraycopy(prefix, 0, all, 0, 6);
    System.arraycopy(chunk, 0, all, 6, 11);
    KvCache full = model.newCache(17);
    model.forward(all, RopeShiftTest.range(0, 17), RopeShiftTest.range(0, 17), full, AttentionRule.causal());
    assertTrue(RopeShiftTest.keyError(kv.kv(), 0, full, 6, 11) < 1e-5);
    // without the prefix before it a chunk's KV is another thing (the point of encoding after the prefix)
    ChunkKv alone = encoder.chunk(encoder.prefix(new int[0]), chunk);
    assertEquals(0, alone.basePosition());
    KvCache shifted = model.newCache(11);
    shifted.copyFrom(alone.kv(), 0, 0, 11);
    new RopeShift(model.inverseFrequencies()).shift(shifted, 0, 11, 6);
    assertTrue(RopeShiftTest.keyError(shifted, 0, full, 6, 11) > 1e-2);
  }

  @Test
  void blobsRoundTripBitForBitAndCarryTheirTokensAndPosition() {
    SplittableRandom r = new SplittableRandom(6);
    ChunkEncoder encoder = new ChunkEncoder(model, "qwen2-fp32");
    ChunkKv kv = encoder.chunk(encoder.prefix(RopeShiftTest.tokens(r, 4, 320)), RopeShiftTest.tokens(r, 7, 320));
    ChunkKv back = ChunkKv.fromBlob(kv.toBlob("c".repeat(64), KvDtype.F32, KvQuantization.NONE));
    assertEquals("qwen2-fp32", back.modelId());
    assertEquals(4, back.basePosition());
    assertArrayEquals(kv.tokenIds(), back.tokenIds());
    for (int l = 0; l < model.config().layers(); l++) {
      for (int g = 0; g < model.config().kvHeads(); g++) {
        int len = 7 * model.config().headDim();
        assertArrayEquals(Arrays.copyOf(kv.kv().layer(l).keys(g), len), Arrays.copyOf(back.kv().layer(l).keys(g), len));
        assertArrayEquals(Arrays.copyOf(kv.kv().layer(l).values(g), len),
            Arrays.copyOf(back.kv().layer(l).values(g), len));
      }
    }
  }

  @Test
  void aDamagedBlobIsNeverTurnedIntoKv() {
    SplittableRandom r = new SplittableRandom(7);
    ChunkEncoder encoder = new ChunkEncoder(model, "qwen2-fp32");
    byte[] blob = encoder.chunk(encoder.prefix(RopeShiftTest.tokens(r, 4, 320)), RopeShiftTest.tokens(r, 7, 320))
        .toBlob("d".repeat(64), KvDtype.BF16, KvQuantization.INT8_CHANNEL);
    byte[] flipped = blob.clone();
    flipped[flipped.length - 40] ^= 1;
    assertTrue(assertThrows(ChunkKvFormatException.class, () -> ChunkKv.fromBlob(flipped)).getMessage()
        .contains("CRC32C"));
    byte[] cut = Arrays.copyOf(blob, blob.length - 1);
    assertTrue(assertThrows(ChunkKvFormatException.class, () -> ChunkKv.fromBlob(cut)).getMessage()
        .startsWith("truncated"));
  }

  @Test
  void kvOfAnotherShapeDoesNotFitTheModel() {
    KvCache kv = new KvCache(3, 2, 16, 2);
    kv.layer(0).write(new int[] {0, 1}, new float[64], new float[64], 2);
    kv.layer(1).write(new int[] {0, 1}, new float[64], new float[64], 2);
    kv.layer(2).write(new int[] {0, 1}, new float[64], new float[64], 2);
    ChunkKv other = new ChunkKv("other-model", 0, new int[] {1, 2}, kv);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.checkFits(model.config()));
    assertTrue(e.getMessage().contains("chunk KV of model 'other-model' has 3 layers"), e.getMessage());
  }
}
