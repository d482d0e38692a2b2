package dev.kvrag.bench.kb;

import java.util.Objects;
import java.util.Optional;

/**
 * One sentence of a page.
 *
 * @param fact the fact it states, if any
 * @param namesSubject whether it mentions the page's subject by name (not by "it" or "the team")
 * @param opensParagraph whether a new paragraph starts with it
 */
public record Sentence(String text, Optional<Fact> fact, boolean namesSubject, boolean opensParagraph) {

  public Sentence {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(fact, "fact");
  }
}
