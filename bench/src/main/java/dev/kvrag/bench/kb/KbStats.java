package dev.kvrag.bench.kb;

import java.io.PrintStream;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** Counts for {@code bench-kb stats}: what knowledge bases and examples a seed gives. */
final class KbStats {

  private int kbs;
  private long pages;
  private long chunks;
  private long unnamedChunks;
  private long chunkTokens;
  private int minChunk = Integer.MAX_VALUE;
  private int maxChunk;
  private long nearMissEntities;
  private final Map<QuestionKind, long[]> kinds = new EnumMap<>(QuestionKind.class);

  void add(KnowledgeBase kb, ChunkBudget budget) {
    kbs++;
    pages += kb.documents().size();
    for (Chunk c : kb.chunks()) {
      chunks++;
      unnamedChunks += c.namesSubject() ? 0 : 1;
      int t = budget.tokenCount().applyAsInt(c.text());
      chunkTokens += t;
      minChunk = Math.min(minChunk, t);
      maxChunk = Math.max(maxChunk, t);
    }
    for (Entity e : kb.company().entities()) {
      nearMissEntities += kb.company().nearMissesOf(e).isEmpty() ? 0 : 1;
    }
  }

  /** Per kind: questions, context chunks, context characters. */
  void add(Example e) {
    long[] k = kinds.computeIfAbsent(e.question().kind(), x -> new long[3]);
    k[0]++;
    k[1] += e.context().size();
    for (Chunk c : e.context()) {
      k[2] += c.text().length();
    }
  }

  void print(PrintStream out, ExampleSource source) {
    out.printf(Locale.ROOT, "seed %d, %s split, %d knowledge bases, chunk budget %d estimated tokens%n",
        source.seed(), source.split().label(), kbs, source.budget().maxTokens());
    out.printf(Locale.ROOT, "per knowledge base: %.1f pages, %.1f chunks (%.1f%% never name their subject),"
        + " %.1f entities with a near miss%n", pages / (double) kbs, chunks / (double) kbs,
        100.0 * unnamedChunks / chunks, nearMissEntities / (double) kbs);
    out.printf(Locale.ROOT, "chunk length in estimated tokens: min %d, mean %.1f, max %d%n", minChunk,
        chunkTokens / (double) chunks, maxChunk);
    out.printf("%n%-17s %9s %7s %15s %22s%n", "kind", "questions", "share", "context chunks", "context chars (tokens)");
    long total = kinds.values().stream().mapToLong(k -> k[0]).sum();
    for (QuestionKind kind : QuestionKind.askedBy(source.mix())) {
      long[] k = kinds.getOrDefault(kind, new long[3]);
      double n = Math.max(1, k[0]);
      out.printf(Locale.ROOT, "%-17s %9d %6.1f%% %15.1f %14.0f (%5.0f)%n", kind.key(), k[0], 100.0 * k[0] / total,
          k[1] / n, k[2] / n, k[2] / n / 4);
    }
  }
}
