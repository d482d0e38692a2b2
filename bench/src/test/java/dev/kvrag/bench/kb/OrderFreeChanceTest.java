package dev.kvrag.bench.kb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OrderFreeChanceTest {

  private static List<Example> heldout(int count) {
    List<Example> examples = new ArrayList<>();
    ExampleSource.of(777, Split.HELDOUT, QuestionMix.WITH_BRIDGED).forEach(count, examples::add);
    return examples;
  }

  @Test
  void onlyQuestionsAnsweredByAnUnnamedChunkLoseAnythingWithTheOrder() {
    for (Example e : heldout(300)) {
      int n = OrderFreeChance.candidates(e);
      if (e.question().kind().answeredByAnUnnamedChunk()) {
        assertTrue(n >= 1, e.question().id());
      } else {
        assertEquals(1, n, e.question().id());
      }
    }
  }

  @Test
  void withOnlyItsNeededChunksAnUnnamedChunksAnswerIsUnambiguous() {
    int checked = 0;
    for (Example e : heldout(300)) {
      if (!e.question().kind().answeredByAnUnnamedChunk()) {
        continue;
      }
      List<Chunk> needed = e.context().stream().filter(c -> e.question().needed().contains(c.id())).toList();
      assertEquals(1, OrderFreeChance.candidates(new Example(e.split(), e.kbSeed(), e.question(), needed)),
          e.question().id());
      checked++;
    }
    assertTrue(checked > 40, "cross_chunk and bridged multi-hop questions checked: " + checked);
  }

  @Test
  void theCandidatesAreUnnamedChunksOfOtherSubjectsWithOtherAnswers() {
    int ambiguous = 0;
    for (Example e : heldout(300)) {
      if (OrderFreeChance.candidates(e) < 2) {
        continue;
      }
      ambiguous++;
      String answerChunk = e.question().needed().getLast();
      Fact asked = e.context().stream().filter(c -> c.id().equals(answerChunk)).findFirst().orElseThrow().facts()
          .stream().filter(f -> f.value().equals(e.question().answer())).findFirst().orElseThrow();
      Set<String> subjects = new HashSet<>();
      for (Chunk c : e.context()) {
        for (Fact f : c.facts()) {
          if (!c.namesSubject() && f.relation() == asked.relation()
              && f.subject().pronoun().equals(asked.subject().pronoun())) {
            assertTrue(subjects.add(f.subject().id()), "one candidate per subject: " + f.subject().id());
            assertTrue(c.id().equals(answerChunk) || !f.value().equals(asked.value()),
                "another candidate would give the same answer: " + c.id());
          }
        }
      }
      assertEquals(OrderFreeChance.candidates(e), subjects.size(), e.question().id());
    }
    assertTrue(ambiguous > 10, "questions with several candidates: " + ambiguous);
  }
}
