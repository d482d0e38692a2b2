package dev.kvrag.bench.kb;

import java.util.List;

/**
 * A question with the chunks retrieved for it, in prompt order: its needed chunks, its distractors
 * and a few random others, shuffled by page, each page's chunks together and in page order.
 */
public record Example(Split split, long kbSeed, Question question, List<Chunk> context) {

  public Example {
    context = List.copyOf(context);
  }
}
