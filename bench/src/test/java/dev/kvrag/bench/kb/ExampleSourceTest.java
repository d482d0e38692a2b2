package dev.kvrag.bench.kb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExampleSourceTest {

  private static List<Example> examples(long seed, Split split, int n) {
    List<Example> out = new ArrayList<>();
    ExampleSource.of(seed, split).forEach(n, out::add);
    return out;
  }

  @Test
  void theContextHoldsTheNeededChunksAndDistractorsWithEachPageTogetherInPageOrder() {
    for (Example e : examples(3, Split.TRAIN, 300)) {
      List<String> ids = e.context().stream().map(Chunk::id).toList();
      assertTrue(ids.containsAll(e.question().needed()), e.toString());
      assertTrue(ids.containsAll(e.question().distractors()), e.toString());
      assertEquals(ids.size(), new HashSet<>(ids).size());
      Set<String> closedPages = new HashSet<>();
      for (int i = 0; i < e.context().size(); i++) {
        Chunk c = e.context().get(i);
        boolean continues = i > 0 && e.context().get(i - 1).documentId().equals(c.documentId());
        if (continues) {
          assertTrue(c.position() > e.context().get(i - 1).position());
        } else {
          assertTrue(closedPages.add(c.documentId()), "page " + c.documentId() + " is split up in " + ids);
        }
        if (!c.namesSubject()) {
          assertTrue(continues && e.context().get(i - 1).position() == c.position() - 1,
              "chunk " + c.id() + " comes without the chunk before it: " + ids);
        }
      }
    }
  }

  @Test
  void splitsAndSeedsNeverShareAKnowledgeBase() {
    Set<Long> seeds = new HashSet<>();
    for (Split split : Split.values()) {
      for (long seed = 0; seed < 3; seed++) {
        for (int i = 0; i < 50; i++) {
          assertTrue(seeds.add(ExampleSource.kbSeed(seed, split, i)));
        }
      }
    }
  }

  @Test
  void theSameSeedGivesTheSameExamplesAndAnotherSeedOthers() {
    List<String> a = examples(1, Split.HELDOUT, 60).stream().map(Example::toString).toList();
    List<String> b = examples(1, Split.HELDOUT, 60).stream().map(Example::toString).toList();
    List<String> c = examples(2, Split.HELDOUT, 60).stream().map(Example::toString).toList();
    assertEquals(a, b);
    assertNotEquals(a, c);
  }

  @Test
  void manyKnowledgeBasesFeedOneExport() {
    Set<Long> kbs = new HashSet<>();
    examples(4, Split.TRAIN, 200).forEach(e -> kbs.add(e.kbSeed()));
    assertEquals(5, kbs.size());
  }
}
