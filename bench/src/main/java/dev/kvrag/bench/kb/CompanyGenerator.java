package dev.kvrag.bench.kb;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Draws a company: 6–8 cities, 8–10 teams, 18–24 people, 12–16 services and 5–7 projects, about a
 * third of each kind made as near misses of an earlier one, and one fact per entity and relation.
 * The facts are consistent (a team's lead works on that team) and otherwise independent, so no fact
 * can be inferred from another: the only way to an answer is to read it.
 */
final class CompanyGenerator {

  private static final double NEAR_MISS_SHARE = 0.35;

  private final SplittableRandom rng;
  private final NameForge names;
  private final List<Entity> entities = new ArrayList<>();
  private final List<Fact> facts = new ArrayList<>();
  private final List<List<String>> nearMisses = new ArrayList<>();
  private final Set<String> taken = new HashSet<>();

  private CompanyGenerator(SplittableRandom rng, Split split) {
    this.rng = rng;
    this.names = new NameForge(rng.split(), split);
  }

  static Company generate(SplittableRandom rng, Split split) {
    return new CompanyGenerator(rng, split).build();
  }

  private Company build() {
    String company = names.codeWord();
    List<Entity> cities = make(EntityKind.CITY, between(6, 8), null);
    List<Entity> teams = make(EntityKind.TEAM, between(8, 10), this::teamLike);
    List<Entity> people = make(EntityKind.PERSON, between(18, 24), this::personLike);
    List<Entity> services = make(EntityKind.SERVICE, between(12, 16), this::serviceLike);
    List<Entity> projects = make(EntityKind.PROJECT, between(5, 7), this::projectLike);

    List<Entity> leads = new ArrayList<>(people);
    shuffle(leads);
    for (int t = 0; t < teams.size(); t++) {
      Entity team = teams.get(t);
      fact(team, Relation.TEAM_CITY, pick(cities).name());
      fact(team, Relation.TEAM_FOUNDED, year(1996, 2020));
      fact(team, Relation.TEAM_LEAD, leads.get(t).name());
    }
    for (Entity person : people) {
      int lead = leads.indexOf(person);
      Entity team = lead < teams.size() ? teams.get(lead) : pick(teams);
      fact(person, Relation.PERSON_TEAM, team.name());
      fact(person, Relation.PERSON_CITY, pick(cities).name());
      fact(person, Relation.PERSON_JOINED, year(2001, 2025));
    }
    for (Entity service : services) {
      fact(service, Relation.SERVICE_OWNER, pick(teams).name());
      fact(service, Relation.SERVICE_VERSION, version());
      fact(service, Relation.SERVICE_LAUNCHED, year(2006, 2024));
      Entity dependency;
      do {
        dependency = pick(services);
      } while (dependency == service);
      fact(service, Relation.SERVICE_DEPENDS, dependency.name());
    }
    for (Entity project : projects) {
      fact(project, Relation.PROJECT_LEAD, pick(people).name());
      fact(project, Relation.PROJECT_TEAM, pick(teams).name());
      fact(project, Relation.PROJECT_SERVICE, pick(services).name());
      fact(project, Relation.PROJECT_STARTED, year(2012, 2025));
    }
    return new Company(company, entities, facts, nearMisses);
  }

  private interface Likeness {
    String nameLike(Entity base);
  }

  private List<Entity> make(EntityKind kind, int count, Likeness likeness) {
    List<Entity> made = new ArrayList<>();
    String prefix = kind.name().toLowerCase(java.util.Locale.ROOT);
    List<Entity> originals = new ArrayList<>();
    while (made.size() < count) {
      // Near misses of originals only, at most two each: chains of variants would make every name alike.
      Entity base = likeness != null && !originals.isEmpty() && rng.nextDouble() < NEAR_MISS_SHARE
          ? pick(originals) : null;
      if (base != null && variantsOf(base) >= 2) {
        continue;
      }
      String name = base == null ? freshName(kind) : likeness.nameLike(base);
      if (!taken.add(name)) {
        continue;
      }
      String pronoun = kind == EntityKind.PERSON ? (rng.nextBoolean() ? "she" : "he") : "it";
      Entity e = new Entity(prefix + "-" + made.size(), kind, name, pronoun);
      made.add(e);
      entities.add(e);
      if (base != null) {
        nearMisses.add(List.of(base.id(), e.id()));
      } else {
        originals.add(e);
      }
    }
    return made;
  }

  private int variantsOf(Entity base) {
    int n = 0;
    for (List<String> pair : nearMisses) {
      n += pair.getFirst().equals(base.id()) ? 1 : 0;
    }
    return n;
  }

  private String freshName(EntityKind kind) {
    return switch (kind) {
      case CITY -> names.city();
      case TEAM, PROJECT -> names.codeWord();
      case PERSON -> names.firstName() + " " + names.lastName();
      case SERVICE -> names.service();
    };
  }

  private String teamLike(Entity base) {
    return names.wordLike(base.name(), true);
  }

  private String projectLike(Entity base) {
    return names.wordLike(base.name(), true);
  }

  private String serviceLike(Entity base) {
    return names.serviceLike(base.name());
  }

  private String personLike(Entity base) {
    String[] firstLast = base.name().split(" ");
    return rng.nextBoolean() ? firstLast[0] + " " + names.lastName() : names.firstName() + " " + firstLast[1];
  }

  private void fact(Entity subject, Relation relation, String value) {
    facts.add(new Fact(subject, relation, value));
  }

  private String year(int from, int to) {
    return Integer.toString(between(from, to));
  }

  private String version() {
    return between(1, 12) + "." + between(0, 24) + "." + between(0, 19);
  }

  private int between(int from, int to) {
    return from + rng.nextInt(to - from + 1);
  }

  private <T> T pick(List<T> options) {
    return options.get(rng.nextInt(options.size()));
  }

  private <T> void shuffle(List<T> list) {
    for (int i = list.size() - 1; i > 0; i--) {
      java.util.Collections.swap(list, i, rng.nextInt(i + 1));
    }
  }
}
