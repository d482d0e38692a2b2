package dev.kvrag.bench.kb;

import java.util.Objects;

/**
 * One person, team, service, project or city of a knowledge base.
 *
 * @param id unique within the knowledge base, e.g. "team-3"; also the id of its page
 * @param name the short name that answers carry: "Dara Quell", "Orvane", "quarnel-store", "Talvo"
 * @param pronoun "she", "he" or "it"
 */
public record Entity(String id, EntityKind kind, String name, String pronoun) {

  public Entity {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(pronoun, "pronoun");
  }

  /** The name as a phrase inside a sentence: "the Orvane team", "Project Talvo", "Dara Quell". */
  public String phrase() {
    return switch (kind) {
      case TEAM -> "the " + name + " team";
      case PROJECT -> "Project " + name;
      default -> name;
    };
  }

  /** The name as a phrase that opens a sentence: "The Orvane team"; names keep their case. */
  public String phraseAtStart() {
    return kind == EntityKind.TEAM ? "The " + name + " team" : phrase();
  }

  /** What a page about this entity must contain to name it (checked on word boundaries). */
  public String nameInText() {
    return kind == EntityKind.PROJECT ? "Project " + name : name;
  }

  public String possessivePronoun() {
    return switch (pronoun) {
      case "she" -> "her";
      case "he" -> "his";
      default -> "its";
    };
  }
}
