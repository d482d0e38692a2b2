package dev.kvrag.bench.kb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Over the mix that asks every kind ({@link QuestionMix#WITH_BRIDGED}). */
class QuestionGeneratorTest {

  private static final Map<QuestionKind, Double> MIX = QuestionMix.WITH_BRIDGED.shares();

  private static final List<KnowledgeBase> KBS = new ArrayList<>();
  private static final List<Question> QUESTIONS = new ArrayList<>();
  private static final Map<Question, KnowledgeBase> KB_OF = new java.util.HashMap<>();

  @BeforeAll
  static void ask() {
    for (int i = 0; i < 12; i++) {
      KnowledgeBase kb = KnowledgeBase.generate(ExampleSource.kbSeed(9, Split.TRAIN, i), Split.TRAIN,
          ChunkBudget.DEFAULT);
      KBS.add(kb);
      for (Question q : QuestionGenerator.generate(kb, 48, MIX, i)) {
        QUESTIONS.add(q);
        KB_OF.put(q, kb);
      }
    }
  }

  private static List<Question> ofKind(QuestionKind kind) {
    return QUESTIONS.stream().filter(q -> q.kind() == kind).toList();
  }

  @Test
  void everyKindIsAskedInAboutItsShare() {
    Map<QuestionKind, Integer> counts = new EnumMap<>(QuestionKind.class);
    QUESTIONS.forEach(q -> counts.merge(q.kind(), 1, Integer::sum));
    assertEquals(12 * 48, QUESTIONS.size());
    for (QuestionKind k : QuestionKind.values()) {
      double share = counts.getOrDefault(k, 0) / (double) QUESTIONS.size();
      assertTrue(Math.abs(share - MIX.get(k)) < 0.08, k + " share " + share);
    }
  }

  @Test
  void theFourKindsMixAsksNoBridgedMultiHop() {
    for (KnowledgeBase kb : KBS) {
      assertTrue(QuestionGenerator.generate(kb, 48, QuestionMix.FOUR_KINDS.shares(), 3).stream()
          .noneMatch(q -> q.kind() == QuestionKind.BRIDGED_MULTI_HOP));
    }
  }

  @Test
  void theSameSeedAsksTheSameQuestions() {
    KnowledgeBase kb = KBS.getFirst();
    assertEquals(QuestionGenerator.generate(kb, 48, MIX, 0),
        QuestionGenerator.generate(kb, 48, MIX, 0));
    assertNotEquals(QuestionGenerator.generate(kb, 48, MIX, 0),
        QuestionGenerator.generate(kb, 48, MIX, 1));
  }

  @Test
  void everyAnswerIsStatedInTheNeededChunksAndInNoDistractor() {
    for (Question q : QUESTIONS) {
      KnowledgeBase kb = KB_OF.get(q);
      String last = kb.chunk(q.needed().getLast()).text();
      assertTrue(TextMatch.containsWord(last, q.answer()), q + "\n" + last);
      assertFalse(q.distractors().isEmpty(), q.toString());
      for (String d : q.distractors()) {
        assertFalse(TextMatch.containsWord(kb.chunk(d).text(), q.answer()), q + " answered by distractor " + d);
        assertFalse(q.needed().contains(d), q.toString());
      }
    }
  }

  @Test
  void singleHopAndDistractorQuestionsNeedOneChunkThatNamesTheSubject() {
    for (QuestionKind kind : List.of(QuestionKind.SINGLE_HOP, QuestionKind.DISTRACTOR)) {
      for (Question q : ofKind(kind)) {
        assertEquals(1, q.needed().size(), q.toString());
        Chunk c = KB_OF.get(q).chunk(q.needed().getFirst());
        Entity subject = KB_OF.get(q).document(c.documentId()).subject();
        assertTrue(TextMatch.containsWord(c.text(), subject.nameInText()), q + "\n" + c.text());
        assertTrue(q.text().contains(subject.phrase()), q.text() + " / " + subject.phrase());
      }
    }
  }

  @Test
  void distractorQuestionsCarryTheSameRelationForANearMissOfTheSubject() {
    List<Question> near = ofKind(QuestionKind.DISTRACTOR);
    assertTrue(near.size() > 50);
    for (Question q : near) {
      KnowledgeBase kb = KB_OF.get(q);
      Entity subject = kb.document(kb.chunk(q.needed().getFirst()).documentId()).subject();
      Fact asked = kb.chunk(q.needed().getFirst()).facts().stream().filter(f -> f.value().equals(q.answer()))
          .findFirst().orElseThrow();
      boolean nearMissStatesIt = q.distractors().stream().map(kb::chunk).anyMatch(c ->
          kb.company().nearMissesOf(subject).contains(kb.document(c.documentId()).subject())
              && c.facts().stream().anyMatch(f -> f.relation() == asked.relation()));
      assertTrue(nearMissStatesIt, q.toString());
    }
  }

  @Test
  void multiHopQuestionsNeedBothOfTheirChunks() {
    List<Question> multi = ofKind(QuestionKind.MULTI_HOP);
    assertTrue(multi.size() > 80, "multi-hop questions: " + multi.size());
    for (Question q : multi) {
      KnowledgeBase kb = KB_OF.get(q);
      assertEquals(2, q.needed().size(), q.toString());
      Chunk first = kb.chunk(q.needed().get(0));
      Chunk second = kb.chunk(q.needed().get(1));
      assertNotEquals(first.documentId(), second.documentId());
      Entity firstSubject = kb.document(first.documentId()).subject();
      Entity middle = kb.document(second.documentId()).subject();
      assertFalse(TextMatch.containsWord(first.text(), q.answer()), "first chunk alone answers " + q);
      assertFalse(TextMatch.containsWord(second.text(), firstSubject.nameInText()), "second chunk alone links " + q);
      assertTrue(TextMatch.containsWord(first.text(), middle.name()), "first chunk must lead to the second: " + q);
      assertTrue(q.text().contains(firstSubject.phrase()) && !q.text().contains(middle.name()), q.text());
    }
  }

  @Test
  void bridgedMultiHopQuestionsNeedTheFirstChunkAndTheSecondWithTheChunksBeforeItThatNameTheBridge() {
    List<Question> bridged = ofKind(QuestionKind.BRIDGED_MULTI_HOP);
    assertTrue(bridged.size() > 80, "bridged multi-hop questions: " + bridged.size());
    for (Question q : bridged) {
      KnowledgeBase kb = KB_OF.get(q);
      List<Chunk> needed = q.needed().stream().map(kb::chunk).toList();
      assertTrue(needed.size() >= 3, "first chunk, the bridge's naming chunk, the answer's chunk: " + q);
      Chunk first = needed.getFirst();
      Chunk answering = needed.getLast();
      Entity firstSubject = kb.document(first.documentId()).subject();
      Entity middle = kb.document(answering.documentId()).subject();
      assertNotEquals(first.documentId(), answering.documentId());
      assertTrue(TextMatch.containsWord(first.text(), middle.name()), "first chunk must lead to the bridge: " + q);
      assertFalse(TextMatch.containsWord(first.text(), q.answer()), "first chunk alone answers " + q);
      assertFalse(TextMatch.containsWord(answering.text(), middle.nameInText()), "answer's chunk names the bridge " + q);
      assertTrue(TextMatch.containsWord(needed.get(1).text(), middle.nameInText()), "no chunk names the bridge " + q);
      for (int i = 1; i < needed.size(); i++) {
        Chunk c = needed.get(i);
        assertEquals(middle.id(), c.documentId());
        assertEquals(needed.get(1).position() + i - 1, c.position(), "the bridge's chunks follow each other: " + q);
        assertFalse(TextMatch.containsWord(c.text(), firstSubject.nameInText()), "second hop alone links " + q);
        if (c != answering) {
          assertFalse(TextMatch.containsWord(c.text(), q.answer()), "the bridge's naming chunk answers " + q);
        }
      }
      assertTrue(q.text().contains(firstSubject.phrase()) && !q.text().contains(middle.name()), q.text());
    }
  }

  @Test
  void crossChunkAnswersSitInAChunkThatOnlySaysItAndTheChunkBeforeSaysWho() {
    List<Question> cross = ofKind(QuestionKind.CROSS_CHUNK);
    assertTrue(cross.size() > 100);
    for (Question q : cross) {
      KnowledgeBase kb = KB_OF.get(q);
      List<Chunk> needed = q.needed().stream().map(kb::chunk).toList();
      assertTrue(needed.size() >= 2, q.toString());
      Entity subject = kb.document(needed.getFirst().documentId()).subject();
      for (int i = 0; i < needed.size(); i++) {
        assertEquals(subject.id(), needed.get(i).documentId());
        assertEquals(needed.getFirst().position() + i, needed.get(i).position(), "needed chunks follow each other");
      }
      Chunk answering = needed.getLast();
      assertFalse(TextMatch.containsWord(answering.text(), subject.nameInText()), answering.text());
      assertTrue(TextMatch.containsWord(needed.getFirst().text(), subject.nameInText()));
      assertTrue(q.text().contains(subject.phrase()), q.text());
    }
  }

  @Test
  void unnamedDistractorsComeWithTheChunksThatSayWhoTheyAreAbout() {
    for (Question q : QUESTIONS) {
      KnowledgeBase kb = KB_OF.get(q);
      for (String id : q.distractors()) {
        Chunk c = kb.chunk(id);
        if (!c.namesSubject()) {
          String before = c.documentId() + "#" + (c.position() - 1);
          assertTrue(q.distractors().contains(before), "distractor " + id + " without " + before);
        }
      }
    }
  }
}
