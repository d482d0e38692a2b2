package dev.kvrag.engine.fusion;

import java.util.List;
import java.util.Objects;

/**
 * What a fusion strategy fuses: the prefix (system prompt, BOS first), the retrieved chunks in prompt order, the
 * question, and where their stored KV comes from.
 *
 * @param observationWindow how many of the question's last tokens SnapKV will observe (their queries are kept
 *     per layer in {@link FusedPrompt#window()}); 0 when no compression follows
 */
public record FusionInput(int[] prefix, List<int[]> chunks, int[] question, ChunkKvSource kv,
                          int observationWindow) {

  public FusionInput {
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(kv, "chunk KV source");
    chunks = List.copyOf(chunks);
    if (question.length == 0) {
      throw new IllegalArgumentException("empty question");
    }
    for (int i = 0; i < chunks.size(); i++) {
      if (chunks.get(i).length == 0) {
        throw new IllegalArgumentException("chunk " + i + " is empty");
      }
    }
    if (observationWindow < 0 || observationWindow > question.length) {
      throw new IllegalArgumentException("snapkv window " + observationWindow + " is longer than the question ("
          + question.length + " tokens)");
    }
  }

  public FusedLayout layout() {
    return FusedLayout.of(prefix.length, chunks, question.length);
  }
}
