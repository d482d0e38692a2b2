package dev.kvrag.engine.fusion;

import dev.kvrag.engine.kv.ChunkKv;
import dev.kvrag.engine.kv.KvCache;
import dev.kvrag.engine.kv.RopeShift;
import dev.kvrag.engine.model.Transformer;
import java.util.Arrays;
import java.util.function.IntUnaryOperator;

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
   * Chunks {@code [0, count)} into slots {@code [s_i, s_i + n_i)} at positions starting at {@code position(i)}: NAIVE and
   * CACHEBLEND pass {@code s_i} (K rotated by {@code s_i − P}), APE passes {@code P} (no rotation). Layer by layer,
   * every chunk's layer 0 first: on a GPU the stored KV travels by DMA in that order while the first layers already
   * compute, each layer waited for only when it is first used. Layers below {@code firstLayer} are not loaded: the
   * caller computes them fresh for every token (CACHEBLEND below its check layer), so their bytes need not travel.
   */
  static void chunks(Transformer model, FusionInput in, FusedLayout layout, int count, IntUnaryOperator position,
                     KvCache cache, RopeShift shift, int firstLayer) {
    ChunkKv[] stored = new ChunkKv[count];
    for (int i = 0; i < count; i++) {
      ChunkKv c = in.kv().chunk(i);
      check(model, c, in.chunks().get(i), "chunk " + i);
      if (c.basePosition() != layout.prefixLength()) {
        throw new IllegalArgumentException("chunk " + i + " was encoded after a prefix of " + c.basePosition()
            + " tokens, this prompt's prefix has " + layout.prefixLength());
      }
      stored[i] = c;
    }
    for (int l = firstLayer; l < cache.layers(); l++) {
      for (int i = 0; i < count; i++) {
        ChunkKv c = stored[i];
        int slot = layout.chunkStarts()[i];
        cache.layer(l).copyFrom(c.kv().layer(l), 0, slot, c.length());
        shift.shift(cache.layer(l), slot, c.length(), position.applyAsInt(i) - c.basePosition());
      }
    }
  }

  private static void check(Transformer model, ChunkKv kv, int[] tokens, String what) {
    kv.checkFits(model.config());
    if (!Arrays.equals(kv.tokenIds(), tokens)) {
      throw new IllegalArgumentException("the stored KV of " + what + " is for other tokens than the prompt's");
    }
  }
}
