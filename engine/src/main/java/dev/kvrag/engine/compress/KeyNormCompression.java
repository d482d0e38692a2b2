package dev.kvrag.engine.compress;

import dev.kvrag.engine.fusion.TopK;
import dev.kvrag.engine.kv.ChunkKv;
import dev.kvrag.engine.kv.KvCache;
import dev.kvrag.engine.kv.LayerKv;
import dev.kvrag.engine.kv.RopeShift;

/**
 * Query-agnostic compression of a stored chunk, for the store: stored chunks are built before any question
 * exists, so SnapKV's score cannot apply. Keeps the {@code ⌈keep · n⌉} tokens whose keys have the lowest L2 norm
 * and drops the rest, in every layer and head alike.
 *
 * <p>Score: low key norm goes with high attention (Devoto et al., 2024, "A simple and effective L2 norm-based
 * strategy for KV cache compression"); it needs no forward pass, so a store can compress blobs it already holds.
 * Each token's score is its key norm relative to the mean key norm of its (layer, kv head), summed over layers
 * and heads, so that every head counts alike; RoPE rotations preserve norms, so the score does not depend on
 * where the chunk sits. (The choice between this and an attention-based score, e.g. the attention a token
 * receives from the chunk's own later tokens, is for the quality benchmark to make.)
 *
 * <p>Layout: the kept tokens close up — row {@code j} moves to position {@code base + j}, its key rotated by
 * {@code j − kept[j]} ({@link RopeShift}) — so the result is an ordinary, shorter {@link ChunkKv} whose tokens are
 * the kept ones: every fusion mode takes it as the chunk of those tokens, and it is stored like any chunk (under
 * a chunk key whose encoding names the compression).
 */
public record KeyNormCompression(double keep) {

  public KeyNormCompression {
    if (!(keep > 0 && keep <= 1)) {
      throw new IllegalArgumentException("key-norm compression keeps a share in (0, 1], got " + keep);
    }
  }

  /** The encoding scheme to put in the chunk key of a compressed chunk, e.g. {@code after-prefix+keynorm:0.5}. */
  public String scheme(String base) {
    return base + "+keynorm:" + keep;
  }

  /** The indices of the tokens kept, ascending. */
  public int[] kept(ChunkKv chunk) {
    int n = chunk.length();
    int m = (int) Math.ceil(keep * n);
    double[] score = new double[n];
    double[] norms = new double[n];
    KvCache kv = chunk.kv();
    for (int l = 0; l < kv.layers(); l++) {
      LayerKv layer = kv.layer(l);
      int hd = layer.headDim();
      for (int g = 0; g < layer.kvHeads(); g++) {
        float[] k = layer.keys(g);
        double mean = 0;
        for (int t = 0; t < n; t++) {
          double s = 0;
          for (int d = 0; d < hd; d++) {
            s += (double) k[t * hd + d] * k[t * hd + d];
          }
          norms[t] = Math.sqrt(s);
          mean += norms[t] / n;
        }
        for (int t = 0; t < n; t++) {
          // negated: the top scores are the lowest norms
          score[t] -= mean == 0 ? 0 : norms[t] / mean;
        }
      }
    }
    return TopK.ascending(score, m);
  }

  /** The chunk with only its kept tokens, closed up from the same base position. */
  public ChunkKv compress(ChunkKv chunk, RopeShift shift) {
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
