package dev.kvrag.bench.kb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KnowledgeBaseTest {

  private static List<String> texts(KnowledgeBase kb) {
    return kb.chunks().stream().map(c -> c.id() + "|" + c.text()).toList();
  }

  @Test
  void theSameSeedGivesTheSameKnowledgeBase() {
    KnowledgeBase a = KnowledgeBase.generate(42, Split.TRAIN, ChunkBudget.DEFAULT);
    KnowledgeBase b = KnowledgeBase.generate(42, Split.TRAIN, ChunkBudget.DEFAULT);
    assertEquals(texts(a), texts(b));
    assertEquals(a.company().facts(), b.company().facts());
  }

  @Test
  void anotherSeedGivesAnotherCompany() {
    KnowledgeBase a = KnowledgeBase.generate(42, Split.TRAIN, ChunkBudget.DEFAULT);
    KnowledgeBase b = KnowledgeBase.generate(43, Split.TRAIN, ChunkBudget.DEFAULT);
    assertNotEquals(a.company().name(), b.company().name());
    assertNotEquals(texts(a), texts(b));
  }

  @Test
  void namedFactsNameTheirSubjectAndChangeNothingElse() {
    KnowledgeBase written = KnowledgeBase.generate(7, Split.TRAIN, ChunkBudget.DEFAULT);
    KnowledgeBase named = KnowledgeBase.generate(7, Split.TRAIN, ChunkBudget.DEFAULT, Naming.FACTS_NAMED);
    assertEquals(written.company().facts(), named.company().facts());
    int unnamedBefore = 0;
    for (Fact f : named.company().facts()) {
      assertTrue(TextMatch.containsWord(named.chunkStating(f).text(), f.subject().name()),
          "facts-named: " + f + " without its subject in " + named.chunkStating(f).text());
      unnamedBefore += TextMatch.containsWord(written.chunkStating(f).text(), f.subject().name()) ? 0 : 1;
    }
    assertTrue(unnamedBefore > 0, "as written, some facts sit in chunks that never name their subject");
    assertEquals(Naming.FACTS_NAMED, Naming.parse("facts-named"));
    assertEquals("as-written", Naming.AS_WRITTEN.label());
  }

  @Test
  void everyFactIsStatedInExactlyOneChunkOfItsSubjectsPage() {
    KnowledgeBase kb = KnowledgeBase.generate(7, Split.HELDOUT, ChunkBudget.DEFAULT);
    for (Fact f : kb.company().facts()) {
      Chunk c = kb.chunkStating(f);
      assertEquals(f.subject().id(), c.documentId());
      assertTrue(TextMatch.containsWord(c.text(), f.value()), f + " not in " + c.text());
      long stating = kb.chunks().stream().filter(x -> x.facts().contains(f)).count();
      assertEquals(1, stating);
    }
  }

  @Test
  void chunksEndAtSentencesAndKeepToTheBudget() {
    ChunkBudget budget = ChunkBudget.DEFAULT;
    for (long seed = 0; seed < 5; seed++) {
      KnowledgeBase kb = KnowledgeBase.generate(seed, Split.TRAIN, budget);
      for (Document d : kb.documents()) {
        for (int i = 0; i < d.chunks().size(); i++) {
          Chunk c = d.chunks().get(i);
          assertEquals(i, c.position());
          assertTrue(c.text().endsWith("."), c.text());
          assertTrue(budget.tokenCount().applyAsInt(c.text()) <= budget.maxTokens() + 1, c.text());
        }
      }
    }
  }

  @Test
  void aPagesFirstChunkNamesItsSubjectAndSomeLaterChunksNeverDo() {
    int unnamed = 0;
    for (long seed = 0; seed < 5; seed++) {
      KnowledgeBase kb = KnowledgeBase.generate(seed, Split.TRAIN, ChunkBudget.DEFAULT);
      for (Document d : kb.documents()) {
        Chunk first = d.chunks().getFirst();
        assertTrue(first.namesSubject());
        assertTrue(TextMatch.containsWord(first.text(), d.subject().nameInText()), first.text());
        for (Chunk c : d.chunks()) {
          assertEquals(c.namesSubject(), TextMatch.containsWord(c.text(), d.subject().nameInText()), c.text());
          unnamed += c.namesSubject() ? 0 : 1;
        }
      }
    }
    assertTrue(unnamed > 20, "too few chunks that depend on the chunk before them: " + unnamed);
  }

  @Test
  void aSmallerBudgetCutsPagesIntoMoreChunks() {
    KnowledgeBase wide = KnowledgeBase.generate(3, Split.TRAIN, ChunkBudget.estimated(400));
    KnowledgeBase narrow = KnowledgeBase.generate(3, Split.TRAIN, new ChunkBudget(40, t -> t.split(" ").length));
    assertTrue(narrow.chunks().size() > 2 * wide.chunks().size());
    for (Chunk c : narrow.chunks()) {
      assertTrue(c.text().split(" ").length <= 40 || !c.text().substring(0, c.text().length() - 1).contains(". "),
          "a chunk over budget must be a single sentence: " + c.text());
    }
  }

  @Test
  void trainAndHeldoutNamesAreDisjoint() {
    Set<String> train = names(Split.TRAIN);
    Set<String> heldout = names(Split.HELDOUT);
    Set<String> both = new HashSet<>(train);
    both.retainAll(heldout);
    assertTrue(both.isEmpty(), "names in both splits: " + both);
    assertTrue(train.size() > 500 && heldout.size() > 500);
  }

  @Test
  void everyNameWordBelongsToItsSplitByTheFixedRule() {
    for (Split split : Split.values()) {
      for (String word : names(split)) {
        assertEquals(split, Split.of(word), word);
      }
    }
  }

  @Test
  void nearMissesAreEntitiesOfOneKindWithSimilarNames() {
    KnowledgeBase kb = KnowledgeBase.generate(11, Split.TRAIN, ChunkBudget.DEFAULT);
    int pairs = 0;
    for (Entity e : kb.company().entities()) {
      for (Entity other : kb.company().nearMissesOf(e)) {
        assertEquals(e.kind(), other.kind());
        assertNotEquals(e.name(), other.name());
        assertTrue(sharePrefixOrPart(e.name(), other.name()), e.name() + " / " + other.name());
        pairs++;
      }
    }
    assertTrue(pairs > 5);
  }

  private static boolean sharePrefixOrPart(String a, String b) {
    if (a.substring(0, 2).equalsIgnoreCase(b.substring(0, 2))) {
      return true;
    }
    for (String part : a.split("[ -]")) {
      for (String other : b.split("[ -]")) {
        if (part.equals(other)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The name words of 20 knowledge bases of a split: name parts, team/project/city words, service stems. */
  private static Set<String> names(Split split) {
    Set<String> words = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      KnowledgeBase kb = KnowledgeBase.generate(ExampleSource.kbSeed(5, split, i), split, ChunkBudget.DEFAULT);
      List<String> parts = new ArrayList<>(List.of(kb.company().name()));
      for (Entity e : kb.company().entities()) {
        switch (e.kind()) {
          case PERSON -> parts.addAll(List.of(e.name().split(" ")));
          case SERVICE -> parts.add(e.name().substring(0, e.name().indexOf('-')));
          default -> parts.add(e.name());
        }
      }
      words.addAll(parts);
    }
    assertFalse(words.isEmpty());
    return words;
  }
}
