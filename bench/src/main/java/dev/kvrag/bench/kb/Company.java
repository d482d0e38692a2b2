package dev.kvrag.bench.kb;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The world a knowledge base describes: a fictional engineering company, its entities and facts,
 * and which entities are near misses of each other (similar names: "quarnel-store" and
 * "quarnel-search", "Dara Quell" and "Dara Venmor").
 */
public final class Company {

  private final String name;
  private final List<Entity> entities;
  private final List<Fact> facts;
  private final Map<String, List<Entity>> nearMisses = new HashMap<>();
  private final Map<String, Map<Relation, Fact>> factIndex = new HashMap<>();
  private final Map<String, Entity> byName = new HashMap<>();

  /** @param nearMisses pairs of entity ids; the relation is symmetric */
  public Company(String name, List<Entity> entities, List<Fact> facts, List<List<String>> nearMisses) {
    this.name = name;
    this.entities = List.copyOf(entities);
    this.facts = List.copyOf(facts);
    Map<String, Entity> byId = new HashMap<>();
    for (Entity e : entities) {
      byId.put(e.id(), e);
      if (byName.put(e.name(), e) != null) {
        throw new IllegalArgumentException("two entities are called " + e.name());
      }
    }
    for (Fact f : facts) {
      if (factIndex.computeIfAbsent(f.subject().id(), k -> new HashMap<>()).put(f.relation(), f) != null) {
        throw new IllegalArgumentException("two facts " + f.relation() + " about " + f.subject().name());
      }
    }
    for (List<String> pair : nearMisses) {
      Entity a = byId.get(pair.get(0));
      Entity b = byId.get(pair.get(1));
      this.nearMisses.computeIfAbsent(a.id(), k -> new ArrayList<>()).add(b);
      this.nearMisses.computeIfAbsent(b.id(), k -> new ArrayList<>()).add(a);
    }
  }

  public String name() {
    return name;
  }

  public List<Entity> entities() {
    return entities;
  }

  public List<Fact> facts() {
    return facts;
  }

  public List<Entity> entities(EntityKind kind) {
    List<Entity> out = new ArrayList<>();
    for (Entity e : entities) {
      if (e.kind() == kind) {
        out.add(e);
      }
    }
    return out;
  }

  /** The facts about one entity, in the order of {@link Relation}. */
  public List<Fact> factsAbout(Entity subject) {
    List<Fact> out = new ArrayList<>();
    Map<Relation, Fact> about = factIndex.getOrDefault(subject.id(), Map.of());
    for (Relation r : Relation.values()) {
      if (about.containsKey(r)) {
        out.add(about.get(r));
      }
    }
    return out;
  }

  public Optional<Fact> fact(Entity subject, Relation relation) {
    return Optional.ofNullable(factIndex.getOrDefault(subject.id(), Map.of()).get(relation));
  }

  /** The entity a fact's value names, if it names one. */
  public Optional<Entity> valueEntity(Fact fact) {
    return fact.relation().object() == null ? Optional.empty() : Optional.ofNullable(byName.get(fact.value()));
  }

  /** Entities of the same kind whose names are easily mistaken for this one's. */
  public List<Entity> nearMissesOf(Entity e) {
    return List.copyOf(nearMisses.getOrDefault(e.id(), List.of()));
  }
}
