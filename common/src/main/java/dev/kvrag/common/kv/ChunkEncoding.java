package dev.kvrag.common.kv;

import java.util.Objects;

/**
 * How a chunk's KV was computed, as far as it changes the numbers: the scheme and the hash of the tokens that
 * preceded the chunk when it was encoded. Every kvrag chunk is encoded after the prompt's prefix (system
 * prompt, BOS first), so two prompts with different prefixes never share chunk KV.
 *
 * @param scheme e.g. {@code after-prefix}
 * @param prefixHash {@link ChunkKey#tokenHash} of the prefix tokens
 */
public record ChunkEncoding(String scheme, String prefixHash) {

  public static final String AFTER_PREFIX = "after-prefix";

  public ChunkEncoding {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(prefixHash, "prefix hash");
  }

  /** Prefill {@code prefix + chunk} at positions 0.. and keep the chunk's rows (DESIGN §4). */
  public static ChunkEncoding afterPrefix(int[] prefixTokens) {
    return new ChunkEncoding(AFTER_PREFIX, ChunkKey.tokenHash(prefixTokens));
  }
}
