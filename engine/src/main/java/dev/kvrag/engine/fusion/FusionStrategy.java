package dev.kvrag.engine.fusion;

import dev.kvrag.engine.model.ModelConfig;
import dev.kvrag.engine.model.Transformer;

/**
 * One way of turning a prefix, retrieved chunks (with their stored KV) and a question into a KV cache ready for
 * decoding: FULL, PREFIX, NAIVE, CACHEBLEND, APE, each exactly as DESIGN §4 defines it, one file each. Build
 * them by name with {@link FusionModes}.
 */
public interface FusionStrategy {

  /** The mode and its parameters, e.g. {@code cacheblend:ratio=0.15,check_layer=1}. */
  String describe();

  /** Whether the mode reads stored chunk KV (and so needs at least one chunk). */
  boolean needsChunks();

  /**
   * Refuses, with a message naming the problem, inputs this mode cannot take on this model (no chunks for a
   * mode that needs them, a check layer past the last layer, ...). {@link #fuse} checks too; callers that
   * validate a batch up front call this first.
   */
  void check(ModelConfig config, int chunkCount);

  /** Runs the prompt through the model: the fused cache, the question's logits, what was recomputed. */
  FusedPrompt fuse(Transformer model, FusionInput input);
}
