package dev.kvrag.bench.kb;

import java.util.Objects;

/**
 * One true statement about an entity; every (subject, relation) pair has exactly one fact.
 *
 * @param value the gold answer: an entity's name, a year, a version
 */
public record Fact(Entity subject, Relation relation, String value) {

  public Fact {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(relation, "relation");
    Objects.requireNonNull(value, "value");
    if (subject.kind() != relation.subject()) {
      throw new IllegalArgumentException(relation + " is about a " + relation.subject() + ", not " + subject);
    }
  }
}
