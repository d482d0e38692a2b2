package dev.kvrag.common.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChunkKeyTest {

  static final int[] PREFIX = {1, 500, 501};
  static final int[] CHUNK = {17, 42, 99, 7};

  @Test
  void theSameInputsGiveTheSameKey() {
    ChunkKey a = ChunkKey.of("demo", "tok-v1", ChunkEncoding.afterPrefix(PREFIX), CHUNK);
    ChunkKey b = ChunkKey.of("demo", "tok-v1", ChunkEncoding.afterPrefix(PREFIX.clone()), CHUNK.clone());
    assertEquals(a, b);
    assertEquals(64, a.hex().length());
  }

  @Test
  void everyFieldChangesTheKey() {
    Set<ChunkKey> keys = new HashSet<>();
    keys.add(ChunkKey.of("demo", "tok-v1", ChunkEncoding.afterPrefix(PREFIX), CHUNK));
    keys.add(ChunkKey.of("demo2", "tok-v1", ChunkEncoding.afterPrefix(PREFIX), CHUNK));
    keys.add(ChunkKey.of("demo", "tok-v2", ChunkEncoding.afterPrefix(PREFIX), CHUNK));
    keys.add(ChunkKey.of("demo", "tok-v1", ChunkEncoding.afterPrefix(new int[] {1, 500}), CHUNK));
    keys.add(ChunkKey.of("demo", "tok-v1", new ChunkEncoding("other", ChunkKey.tokenHash(PREFIX)), CHUNK));
    keys.add(ChunkKey.of("demo", "tok-v1", ChunkEncoding.afterPrefix(PREFIX), new int[] {17, 42, 99}));
    keys.add(ChunkKey.of("demo", "tok-v1", ChunkEncoding.afterPrefix(PREFIX), new int[] {42, 17, 99, 7}));
    assertEquals(7, keys.size());
  }

  @Test
  void fieldBoundariesCannotBeShiftedToCollide() {
    // "ab" + "c" and "a" + "bc" concatenate alike; the length prefixes keep them apart
    assertNotEquals(ChunkKey.of("ab", "c", ChunkEncoding.afterPrefix(PREFIX), CHUNK),
        ChunkKey.of("a", "bc", ChunkEncoding.afterPrefix(PREFIX), CHUNK));
  }
}
