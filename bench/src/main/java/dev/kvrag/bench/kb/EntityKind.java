package dev.kvrag.bench.kb;

/** The things the fictional company is made of. Cities only appear as values, so they have no page. */
public enum EntityKind {
  PERSON("the engineer"),
  TEAM("the team"),
  SERVICE("the service"),
  PROJECT("the project"),
  CITY("the city");

  private final String description;

  EntityKind(String description) {
    this.description = description;
  }

  /** How a page refers to its subject without its name: "the team", "the service". */
  public String description() {
    return description;
  }

  public boolean hasPage() {
    return this != CITY;
  }
}
