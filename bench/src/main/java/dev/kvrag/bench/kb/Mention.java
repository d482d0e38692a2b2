package dev.kvrag.bench.kb;

/**
 * How a sentence refers to its page's subject. Only NAME makes a chunk readable on its own; a chunk
 * whose sentences all say "It" or "The team" means something only after the chunk before it.
 */
enum Mention {
  NAME,
  PRONOUN,
  DESCRIPTION;

  /**
   * Fills {S} {s} {P} {p}. A pronoun only opens a sentence ("It", "Its"); inside one, where "it"
   * would often read wrong ("a rewrite of its retry logic" is fine, "the head of it" is not), the
   * description stands in ("the team").
   */
  String render(String template, Entity subject) {
    String desc = subject.kind().description();
    String start;
    String startPossessive;
    String inside;
    String insidePossessive;
    switch (this) {
      case NAME -> {
        start = subject.phraseAtStart();
        startPossessive = subject.phraseAtStart() + "'s";
        inside = subject.phrase();
        insidePossessive = subject.phrase() + "'s";
      }
      case PRONOUN -> {
        start = capitalize(subject.pronoun());
        startPossessive = capitalize(subject.possessivePronoun());
        inside = desc;
        insidePossessive = desc + "'s";
      }
      default -> {
        start = capitalize(desc);
        startPossessive = capitalize(desc) + "'s";
        inside = desc;
        insidePossessive = desc + "'s";
      }
    }
    return template.replace("{S}", start).replace("{P}", startPossessive)
        .replace("{s}", inside).replace("{p}", insidePossessive);
  }

  private static String capitalize(String w) {
    return Character.toUpperCase(w.charAt(0)) + w.substring(1);
  }
}
