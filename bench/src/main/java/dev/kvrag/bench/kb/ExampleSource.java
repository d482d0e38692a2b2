package dev.kvrag.bench.kb;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A split's stream of examples from seed S: knowledge base b of the stream has seed
 * {@link #kbSeed(long, Split, int)}, and each knowledge base gives {@code perKb} questions. Many
 * small knowledge bases, not one big one, so that a model learns to read rather than memorise a
 * company. The same arguments give the same examples, in the same order.
 */
public record ExampleSource(long seed, Split split, ChunkBudget budget, int perKb, int maxExtraChunks,
                            Map<QuestionKind, Double> mix, Naming naming) {

  public ExampleSource {
    if (perKb < 1) {
      throw new IllegalArgumentException("questions per knowledge base must be at least 1, got " + perKb);
    }
    if (maxExtraChunks < 0) {
      throw new IllegalArgumentException("extra chunks must not be negative, got " + maxExtraChunks);
    }
    mix = Map.copyOf(mix);
  }

  public ExampleSource(long seed, Split split, ChunkBudget budget, int perKb, int maxExtraChunks,
                       Map<QuestionKind, Double> mix) {
    this(seed, split, budget, perKb, maxExtraChunks, mix, Naming.AS_WRITTEN);
  }

  public static ExampleSource of(long seed, Split split) {
    return of(seed, split, QuestionMix.DEFAULT);
  }

  public static ExampleSource of(long seed, Split split, QuestionMix mix) {
    return new ExampleSource(seed, split, ChunkBudget.DEFAULT, 48, 2, mix.shares());
  }

  /**
   * Knowledge base {@code index}'s seed: SplitMix64 of (seed, split, index), so that the two splits
   * never share a knowledge base even under the same seed, and nearby seeds share nothing.
   */
  public static long kbSeed(long seed, Split split, int index) {
    long z = seed * 0x9E3779B97F4A7C15L + (2L * index + split.ordinal()) * 0xD1B54A32D192ED03L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return (z ^ (z >>> 31)) >>> 1;
  }

  public KnowledgeBase knowledgeBase(int index) {
    return KnowledgeBase.generate(kbSeed(seed, split, index), split, budget, naming);
  }

  /** Hands the first {@code count} examples to {@code sink}, knowledge base by knowledge base. */
  public void forEach(int count, Consumer<Example> sink) {
    int made = 0;
    for (int index = 0; made < count; index++) {
      KnowledgeBase kb = knowledgeBase(index);
      SplittableRandom rng = new SplittableRandom(kb.seed() ^ 0x5DEECE66DL);
      List<Question> questions = QuestionGenerator.generate(kb, Math.min(perKb, count - made), mix, rng.nextLong());
      for (Question q : questions) {
        sink.accept(new Example(split, kb.seed(), q, ContextAssembler.assemble(kb, q, maxExtraChunks, rng.split())));
        made++;
      }
      if (questions.isEmpty()) {
        throw new IllegalStateException("knowledge base " + kb.seed() + " gave no questions");
      }
    }
  }
}
