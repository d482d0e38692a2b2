package dev.kvrag.engine.compress;

import dev.kvrag.engine.kv.ChunkKv;
import dev.kvrag.engine.kv.KvCache;
import dev.kvrag.engine.kv.LayerKv;
import dev.kvrag.engine.kv.RopeShift;

/**
 * Query-agnostic compression of a stored chunk: which of its tokens to keep, decided before any question exists.
 * The kept tokens close up — row {@code j} moves to position {@code base + j}, its key rotated by
 * {@code j − kept[j]} ({@link RopeShift}) — so the result is an ordinary, shorter {@link ChunkKv} whose tokens
 * are the kept ones: every fusion mode takes it as the chunk of those tokens.
 */
public interface ChunkCompression {

  /** The indices of the tokens kept, ascending. */
  int[] kept(ChunkKv chunk);

  /** The encoding scheme to put in the chunk key of a compressed chunk, e.g. {@code after-prefix+keynorm:0.5}. */
  String scheme(String base);

  /** The chunk with only its kept tokens, closed up from the same base position. */
  default ChunkKv compress(ChunkKv chunk, RopeShift shift) {
    int[] kept = kept(chunk);
    if (kept.length == chunk.length()) {
      return chunk;
    }
    KvCache src = chunk.kv();
    LayerKv first = src.layer(0);
    KvCache out = new KvCache(src.layers(), first.kvHeads(), first.headDim(), kept.length);
    int[] tokens = new int[kept.length];
    for (int j = 0; j < kept.length; j++) {
      out.copyFrom(src, kept[j], j, 1);
      tokens[j] = chunk.tokenIds()[kept[j]];
    }
    for (int j = 0; j < kept.length; j++) {
      shift.shift(out, j, 1, j - kept[j]);
    }
    return new ChunkKv(chunk.modelId(), chunk.basePosition(), tokens, out);
  }
}
