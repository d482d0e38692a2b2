package dev.kvrag.engine.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LayerKvTest {

  /** k/v rows of n tokens with 2 heads of dim 3, value = 100·token + 10·head + dim (v negated). */
  static float[][] rows(int firstToken, int n) {
    float[] k = new float[n * 6];
    float[] v = new float[n * 6];
    for (int t = 0; t < n; t++) {
      for (int h = 0; h < 2; h++) {
        for (int d = 0; d < 3; d++) {
          k[t * 6 + h * 3 + d] = 100 * (firstToken + t) + 10 * h + d;
          v[t * 6 + h * 3 + d] = -(100 * (firstToken + t) + 10 * h + d);
        }
      }
    }
    return new float[][] {k, v};
  }

  static float key(LayerKv kv, int head, int slot, int d) {
    return kv.keys(head)[slot * kv.headDim() + d];
  }

  static int[] slots(int from, int n) {
    int[] s = new int[n];
    for (int i = 0; i < n; i++) {
      s[i] = from + i;
    }
    return s;
  }

  @Test
  void writesLandPerHeadAtTheirSlotsAndGrowTheCapacity() {
    LayerKv kv = new HostLayerKv(2, 3, 1);
    float[][] r = rows(0, 40);
    kv.write(slots(0, 40), r[0], r[1], 40);
    assertEquals(40, kv.length());
    assertTrue(kv.capacity() >= 40);
    assertEquals(3912f, key(kv, 1, 39, 2));
    assertEquals(-3912f, kv.values(1)[39 * 3 + 2]);
  }

  @Test
  void writesOverwriteAndMayComeOutOfOrder() {
    LayerKv kv = new HostLayerKv(2, 3, 4);
    float[][] r = rows(0, 5);
    kv.write(slots(0, 5), r[0], r[1], 5);
    float[][] fresh = rows(70, 2);
    kv.write(new int[] {3, 1}, fresh[0], fresh[1], 2);
    assertEquals(7000f, key(kv, 0, 3, 0));
    assertEquals(7100f, key(kv, 0, 1, 0));
    assertEquals(200f, key(kv, 0, 2, 0));
    assertEquals(5, kv.length());
  }

  @Test
  void truncateForgetsTheTailOnly() {
    LayerKv kv = new HostLayerKv(2, 3, 4);
    float[][] r = rows(0, 6);
    kv.write(slots(0, 6), r[0], r[1], 6);
    kv.truncate(2);
    assertEquals(2, kv.length());
    assertThrows(IllegalArgumentException.class, () -> kv.truncate(3));
    float[][] next = rows(50, 1);
    kv.write(new int[] {2}, next[0], next[1], 1);
    assertEquals(5000f, key(kv, 0, 2, 0));
  }

  @Test
  void copyFromPlacesABlockOfRowsAtASlotRange() {
    LayerKv chunk = new HostLayerKv(2, 3, 4);
    float[][] c = rows(10, 4);
    chunk.write(slots(0, 4), c[0], c[1], 4);
    LayerKv seq = new HostLayerKv(2, 3, 4);
    float[][] p = rows(0, 3);
    seq.write(slots(0, 3), p[0], p[1], 3);
    seq.copyFrom(chunk, 1, 3, 3);
    assertEquals(6, seq.length());
    assertEquals(1110f, key(seq, 1, 3, 0));
    assertEquals(1312f, key(seq, 1, 5, 2));
    assertEquals(-1312f, seq.values(1)[5 * 3 + 2]);
  }

  @Test
  void insertShiftsLaterSlotsUp() {
    LayerKv seq = new HostLayerKv(2, 3, 2);
    float[][] p = rows(0, 4);
    seq.write(slots(0, 4), p[0], p[1], 4);
    LayerKv chunk = new HostLayerKv(2, 3, 2);
    float[][] c = rows(90, 2);
    chunk.write(slots(0, 2), c[0], c[1], 2);
    seq.insert(1, chunk, 0, 2);
    assertEquals(6, seq.length());
    float[] firstKeys = new float[6];
    for (int s = 0; s < 6; s++) {
      firstKeys[s] = key(seq, 0, s, 0);
    }
    assertEquals("[0.0, 9000.0, 9100.0, 100.0, 200.0, 300.0]", java.util.Arrays.toString(firstKeys));
  }

  @Test
  void mismatchedLayoutsAreRefused() {
    LayerKv a = new HostLayerKv(2, 3, 2);
    LayerKv b = new HostLayerKv(1, 3, 2);
    assertThrows(IllegalArgumentException.class, () -> a.copyFrom(b, 0, 0, 0));
  }

  @Test
  void cacheOperationsApplyToEveryLayer() {
    KvCache cache = new KvCache(3, 2, 3, 2);
    float[][] r = rows(0, 5);
    for (int l = 0; l < 3; l++) {
      cache.layer(l).write(slots(0, 5), r[0], r[1], 5);
    }
    KvCache other = new KvCache(3, 2, 3, 2);
    other.copyFrom(cache, 2, 0, 3);
    assertEquals(3, other.length());
    assertEquals(200f, key(other.layer(2), 0, 0, 0));
    cache.truncate(1);
    assertEquals(1, cache.length());
    cache.insert(1, other, 0, 3);
    assertEquals(4, cache.length());
    assertEquals(400f, key(cache.layer(1), 0, 3, 0));
  }
}
