package dev.kvrag.bench.kb;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a page into chunks at sentence boundaries. It takes the fewest chunks that fit the budget
 * and makes them about equally long (a greedy cut would leave a runt at the end): chunk k ends
 * before the first sentence whose middle lies past k/n of the page.
 */
final class Chunker {

  private Chunker() {}

  static List<Chunk> cut(String documentId, List<Sentence> sentences, ChunkBudget budget) {
    if (sentences.isEmpty()) {
      throw new IllegalArgumentException("page " + documentId + " has no sentences");
    }
    int[] tokens = new int[sentences.size()];
    int total = 0;
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = budget.tokenCount().applyAsInt(sentences.get(i).text());
      total += tokens[i];
    }
    for (int n = Math.max(1, (total + budget.maxTokens() - 1) / budget.maxTokens()); ; n++) {
      List<int[]> ranges = balanced(tokens, total, n);
      if (fits(ranges, tokens, budget.maxTokens()) || n >= sentences.size()) {
        List<Chunk> chunks = new ArrayList<>(ranges.size());
        for (int[] r : ranges) {
          chunks.add(chunk(documentId, chunks.size(), sentences.subList(r[0], r[1])));
        }
        return chunks;
      }
    }
  }

  private static List<int[]> balanced(int[] tokens, int total, int n) {
    List<int[]> ranges = new ArrayList<>(n);
    int start = 0;
    long passed = 0;
    for (int i = 0; i + 1 < tokens.length && ranges.size() < n - 1; i++) {
      passed += tokens[i];
      double target = (ranges.size() + 1) * (double) total / n;
      if (passed + tokens[i + 1] / 2.0 > target) {
        ranges.add(new int[] {start, i + 1});
        start = i + 1;
      }
    }
    ranges.add(new int[] {start, tokens.length});
    return ranges;
  }

  private static boolean fits(List<int[]> ranges, int[] tokens, int max) {
    for (int[] r : ranges) {
      int sum = 0;
      for (int i = r[0]; i < r[1]; i++) {
        sum += tokens[i];
      }
      if (sum > max && r[1] - r[0] > 1) {
        return false;
      }
    }
    return true;
  }

  private static Chunk chunk(String documentId, int position, List<Sentence> sentences) {
    StringBuilder text = new StringBuilder();
    List<Fact> facts = new ArrayList<>();
    boolean names = false;
    for (Sentence s : sentences) {
      if (!text.isEmpty()) {
        text.append(s.opensParagraph() ? '\n' : ' ');
      }
      text.append(s.text());
      s.fact().ifPresent(facts::add);
      names |= s.namesSubject();
    }
    return new Chunk(documentId + "#" + position, documentId, position, text.toString(), names, facts);
  }
}
