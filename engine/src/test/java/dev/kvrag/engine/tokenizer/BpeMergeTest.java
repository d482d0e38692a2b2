package dev.kvrag.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kvrag.engine.tokenizer.bpe.BpeModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BpeMergeTest {

  private static final BpeModel.Options PLAIN =
      new BpeModel.Options(null, null, null, false, false, false);

  private static BpeModel model(
      List<String> tokens, List<String[]> merges, BpeModel.Options options) {
    Map<String, Integer> vocab = new LinkedHashMap<>();
    for (String t : tokens) {
      vocab.putIfAbsent(t, vocab.size());
    }
    return new BpeModel(vocab, merges, options);
  }

  private static String[] tokens(BpeModel model, int[] ids) {
    String[] out = new String[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = model.token(ids[i]);
    }
    return out;
  }

  @Test
  void mergesAreAppliedByRankNotByPosition() {
    BpeModel m =
        model(
            List.of("a", "b", "c", "ab", "bc"),
            List.of(new String[] {"b", "c"}, new String[] {"a", "b"}),
            PLAIN);
    assertArrayEquals(new String[] {"a", "bc"}, tokens(m, m.tokenize("abc")));
  }

  @Test
  void equalRankPairsMergeLeftmostFirst() {
    BpeModel m =
        model(
            List.of("a", "aa", "aaaa"),
            List.of(new String[] {"a", "a"}, new String[] {"aa", "aa"}),
            PLAIN);
    assertArrayEquals(new String[] {"aa", "a"}, tokens(m, m.tokenize("aaa")));
    assertArrayEquals(new String[] {"aaaa", "aa", "a"}, tokens(m, m.tokenize("aaaaaaa")));
  }

  @Test
  void ignoreMergesTakesAWordThatIsInTheVocabularyWhole() {
    // The merges alone would give a + bc; with ignore_merges the word "abc" is a token itself.
    List<String> vocab = List.of("a", "b", "c", "bc", "abc");
    List<String[]> merges = List.<String[]>of(new String[] {"b", "c"});
    BpeModel merging = model(vocab, merges, PLAIN);
    BpeModel ignoring =
        model(vocab, merges, new BpeModel.Options(null, null, null, false, false, true));
    assertArrayEquals(new String[] {"a", "bc"}, tokens(merging, merging.tokenize("abc")));
    assertArrayEquals(new String[] {"abc"}, tokens(ignoring, ignoring.tokenize("abc")));
  }

  @Test
  void unknownCharactersBecomeByteTokensWithByteFallbackElseUnk() {
    List<String> vocab = new ArrayList<>(List.of("<unk>", "a"));
    for (int b = 0; b < 256; b++) {
      vocab.add(String.format("<0x%02X>", b));
    }
    BpeModel fallback =
        model(vocab, List.of(), new BpeModel.Options("<unk>", null, null, true, true, false));
    assertArrayEquals(
        new String[] {"a", "<0xC3>", "<0xA9>", "a"}, tokens(fallback, fallback.tokenize("aéa")));

    BpeModel fused =
        model(
            List.of("<unk>", "a"),
            List.of(),
            new BpeModel.Options("<unk>", null, null, true, false, false));
    assertArrayEquals(new String[] {"a", "<unk>", "a"}, tokens(fused, fused.tokenize("aééa")));
    BpeModel unfused =
        model(
            List.of("<unk>", "a"),
            List.of(),
            new BpeModel.Options("<unk>", null, null, false, false, false));
    assertArrayEquals(
        new String[] {"a", "<unk>", "<unk>", "a"}, tokens(unfused, unfused.tokenize("aééa")));
    BpeModel dropping = model(List.of("a"), List.of(), PLAIN);
    assertArrayEquals(new String[] {"a", "a"}, tokens(dropping, dropping.tokenize("aéa")));
  }

  @Test
  void heapMergeEqualsTheTextbookLowestRankLeftmostLoop() {
    SplittableRandom random = new SplittableRandom(7);
    for (int trial = 0; trial < 40; trial++) {
      List<String> vocab = new ArrayList<>(List.of("a", "b", "c", "d"));
      List<String[]> merges = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        String left = vocab.get(random.nextInt(vocab.size()));
        String right = vocab.get(random.nextInt(vocab.size()));
        if (left.length() + right.length() > 6) {
          continue;
        }
        merges.add(new String[] {left, right});
        if (!vocab.contains(left + right)) {
          vocab.add(left + right);
        }
      }
      BpeModel m = model(vocab, merges, PLAIN);
      Map<String, Integer> rank = new HashMap<>();
      for (int r = 0; r < merges.size(); r++) {
        rank.put(merges.get(r)[0] + " " + merges.get(r)[1], r); // a later duplicate wins, as in HF
      }
      for (int w = 0; w < 50; w++) {
        StringBuilder word = new StringBuilder();
        int length = 1 + random.nextInt(40);
        for (int i = 0; i < length; i++) {
          word.append((char) ('a' + random.nextInt(4)));
        }
        assertArrayEquals(
            textbookBpe(word.toString(), rank),
            tokens(m, m.tokenize(word.toString())),
            "word " + word + " in trial " + trial);
      }
    }
  }

  /** The quadratic reference: merge the lowest-ranked adjacent pair, leftmost on ties, repeat. */
  private static String[] textbookBpe(String word, Map<String, Integer> rank) {
    List<String> symbols = new ArrayList<>();
    word.codePoints().forEach(cp -> symbols.add(Character.toString(cp)));
    while (true) {
      int best = -1;
      int bestRank = Integer.MAX_VALUE;
      for (int i = 0; i + 1 < symbols.size(); i++) {
        Integer r = rank.get(symbols.get(i) + " " + symbols.get(i + 1));
        if (r != null && r < bestRank) {
          best = i;
          bestRank = r;
        }
      }
      if (best < 0) {
        return symbols.toArray(String[]::new);
      }
      symbols.set(best, symbols.get(best) + symbols.remove(best + 1));
    }
  }

  @Test
  void aHundredThousandCharacterWordMergesCompletely() {
    BpeModel m =
        model(
            List.of("a", "aa", "aaaa", "aaaaaaaa"),
            List.of(
                new String[] {"a", "a"}, new String[] {"aa", "aa"}, new String[] {"aaaa", "aaaa"}),
            PLAIN);
    int[] ids = m.tokenize("a".repeat(100_000));
    assertEquals(12_500, ids.length);
    assertEquals("aaaaaaaa", m.token(ids[12_499]));
  }
}
