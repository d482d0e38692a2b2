package dev.kvrag.engine.fusion;

import dev.kvrag.engine.kv.ChunkKv;
import dev.kvrag.engine.kv.KvCache;
import dev.kvrag.engine.kv.RopeShift;
import dev.kvrag.engine.model.Transformer;
import java.util.Arrays;

/**
 * Copies stored KV into a prompt's cache: the prefix at slots {@code [0, P)}, chunk {@code i} at its slot
 * {@code s_i}, its keys rotated from the stored base position to the position the mode gives it. Checks that
 * each stored KV belongs to the prompt's tokens and model; a mismatch is an error, never a silent reuse.
 */
final class ContextLoader {

  private ContextLoader() {
  }

  static void prefix(Transformer model, FusionInput in, KvCache cache) {
    if (in.prefix().length == 0) {
      return;
    }
    ChunkKv p = in.kv().prefix();
    check(model, p, in.prefix(), "prefix");
    if (p.basePosition() != 0) {
      throw new IllegalArgumentException("the prefix KV starts at position " + p.basePosition() + ", not 0");
    }
    cache.copyFrom(p.kv(), 0, 0, p.length());
  }

  /**
   * Chunk {@code i} into slots {@code [s_i, s_i + n_i)} at positions starting at {@code position}: NAIVE and
   * CACHEBLEND pass {@code s_i} (K rotated by {@code s_i − P}), APE passes {@code P} (no rotation).
   */
  static void chunk(Transformer model, FusionInput in, FusedLayout layout, int i, int position, KvCache cache,
                    RopeShift shift) {
    ChunkKv c = in.kv().chunk(i);
    check(model, c, in.chunks().get(i), "chunk " + i);
    if (c.basePosition() != layout.prefixLength()) {
      throw new IllegalArgumentException("chunk " + i + " was encoded after a prefix of " + c.basePosition()
          + " tokens, this prompt's prefix has " + layout.prefixLength());
    }
    int slot = layout.chunkStarts()[i];
    cache.copyFrom(c.kv(), 0, slot, c.length());
    shift.shift(cache, slot, c.length(), position - c.basePosition());
  }

  private static void check(Transformer model, ChunkKv kv, int[] tokens, String what) {
    kv.checkFits(model.config());
    if (!Arrays.equals(kv.tokenIds(), tokens)) {
      throw new IllegalArgumentException("the stored KV of " + what + " is for other tokens than the prompt's");
    }
  }
}
