package dev.kvrag.engine.compress;

import dev.kvrag.engine.fusion.TopK;
import dev.kvrag.engine.kv.ChunkKv;
import dev.kvrag.engine.kv.KvCache;
import dev.kvrag.engine.kv.LayerKv;

/**
 * Query-agnostic compression of a stored chunk, for the store: stored chunks are built before any question
 * exists, so SnapKV's score cannot apply. Keeps the {@code ⌈keep · n⌉} tokens whose keys have the lowest L2 norm
 * ({@code highest = false}, the paper's rule) or the highest ({@code highest = true}) and drops the rest, in every
 * layer and head alike.
 *
 * <p>Score: a token's key norm relative to the mean key norm of its (layer, kv head), summed over layers and
 * heads, so that every head counts alike; it needs no forward pass, so a store can compress blobs it already
 * holds, and RoPE rotations preserve norms, so it does not depend on where the chunk sits. Devoto et al. (2024,
 * "A simple and effective L2 norm-based strategy for KV cache compression") keep the lowest norms, which go with
 * high attention in large pretrained LLMs. On kvrag's demo model the opposite holds (docs/BENCHMARKS.md §7a:
 * keeping the highest half costs 2 points of exact match, a random half 49, the lowest half 65), so
 * {@code highest} is a parameter and the measurement chooses.
 *
 * <p>Layout: as every {@link ChunkCompression}, the kept tokens close up into a shorter chunk, stored like any
 * chunk (under a chunk key whose encoding names the compression).
 */
public record KeyNormCompression(double keep, boolean highest) implements ChunkCompression {

  /** The paper's rule: keep the lowest key norms. */
  public KeyNormCompression(double keep) {
    this(keep, false);
  }

  public KeyNormCompression {
    if (!(keep > 0 && keep <= 1)) {
      throw new IllegalArgumentException("key-norm compression keeps a share in (0, 1], got " + keep);
    }
  }

  @Override
  public String scheme(String base) {
    return base + (highest ? "+keynorm-high:" : "+keynorm:") + keep;
  }

  @Override
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
          double relative = mean == 0 ? 0 : norms[t] / mean;
          // TopK keeps the top scores: negated, the lowest norms
          score[t] += highest ? relative : -relative;
        }
      }
    }
    return TopK.ascending(score, m);
  }
}
