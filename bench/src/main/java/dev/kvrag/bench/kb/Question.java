package dev.kvrag.bench.kb;

import java.util.List;
import java.util.Objects;

/**
 * A benchmark question over one knowledge base.
 *
 * @param needed the chunks that together state the answer, each page's chunks in page order (for a
 *     cross-chunk question: the chunk that names the subject, then the one that states the fact)
 * @param distractors chunks stating the same relations for other (for DISTRACTOR: similarly named)
 *     entities, with the chunks they need to be understood; none of them contains the answer
 * @param answer the gold answer: a name, a city, a year or a version
 */
public record Question(String id, QuestionKind kind, String text, String answer, List<String> needed,
                       List<String> distractors) {

  public Question {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(answer, "answer");
    needed = List.copyOf(needed);
    distractors = List.copyOf(distractors);
  }
}
