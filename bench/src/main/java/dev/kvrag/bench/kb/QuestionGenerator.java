package dev.kvrag.bench.kb;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Asks questions about a knowledge base. Every question is checked before it is kept: its answer
 * is stated in its needed chunks and appears (as a whole word) in none of its distractors; a
 * multi-hop question's first chunk does not contain the answer and its second does not name the
 * first subject, so both are needed; a cross-chunk question's answer chunk does not name its
 * subject, and neither does a bridged multi-hop question's second chunk name the bridge entity.
 * A candidate that fails is dropped, never patched.
 */
public final class QuestionGenerator {

  private static final int TRIES = 64;

  private final KnowledgeBase kb;
  private final Company company;
  private final SplittableRandom rng;
  private final Set<String> asked = new HashSet<>();
  private final List<Fact> named = new ArrayList<>();
  private final List<Fact> unnamed = new ArrayList<>();
  private final List<Fact> composable = new ArrayList<>();
  private final List<Entity> withNearMisses = new ArrayList<>();

  private QuestionGenerator(KnowledgeBase kb, SplittableRandom rng) {
    this.kb = kb;
    this.company = kb.company();
    this.rng = rng;
    for (Fact f : company.facts()) {
      Chunk c = kb.chunkStating(f);
      (c.namesSubject() ? named : unnamed).add(f);
      if (c.namesSubject() && f.relation().describesObject()) {
        composable.add(f);
      }
    }
    for (Entity e : company.entities()) {
      if (e.kind().hasPage() && !company.nearMissesOf(e).isEmpty()) {
        withNearMisses.add(e);
      }
    }
  }

  /**
   * Up to {@code count} distinct questions with kinds drawn from {@code mix}; a kind this knowledge
   * base cannot supply is replaced by another. Deterministic in the knowledge base and seed.
   */
  public static List<Question> generate(KnowledgeBase kb, int count, Map<QuestionKind, Double> mix, long seed) {
    QuestionGenerator g = new QuestionGenerator(kb, new SplittableRandom(seed));
    List<Question> out = new ArrayList<>(count);
    double total = mix.values().stream().mapToDouble(Double::doubleValue).sum();
    for (int i = 0; i < count; i++) {
      QuestionKind first = g.drawKind(mix, total);
      Optional<Question> q = g.ask(first, "kb" + kb.seed() + "-q" + out.size());
      for (QuestionKind other : QuestionKind.values()) {
        if (q.isPresent()) {
          break;
        }
        if (other != first && mix.getOrDefault(other, 0.0) > 0) {
          q = g.ask(other, "kb" + kb.seed() + "-q" + out.size());
        }
      }
      q.ifPresent(out::add);
    }
    return out;
  }

  /** One question of a given kind, if this knowledge base has one not yet asked. */
  public static Optional<Question> one(KnowledgeBase kb, QuestionKind kind, long seed) {
    return new QuestionGenerator(kb, new SplittableRandom(seed)).ask(kind, "kb" + kb.seed() + "-" + kind.key());
  }

  private QuestionKind drawKind(Map<QuestionKind, Double> mix, double total) {
    double r = rng.nextDouble() * total;
    for (QuestionKind k : QuestionKind.values()) {
      r -= mix.getOrDefault(k, 0.0);
      if (r < 0) {
        return k;
      }
    }
    return QuestionKind.SINGLE_HOP;
  }

  private Optional<Question> ask(QuestionKind kind, String id) {
    for (int attempt = 0; attempt < TRIES; attempt++) {
      Optional<Question> q = switch (kind) {
        case SINGLE_HOP -> singleHop(id);
        case MULTI_HOP -> multiHop(id, false);
        case BRIDGED_MULTI_HOP -> multiHop(id, true);
        case DISTRACTOR -> nearMiss(id);
        case CROSS_CHUNK -> crossChunk(id);
      };
      if (q.isPresent()) {
        return q;
      }
    }
    return Optional.empty();
  }

  private Optional<Question> singleHop(String id) {
    if (named.isEmpty()) {
      return Optional.empty();
    }
    Fact f = pick(named);
    if (!fresh(QuestionKind.SINGLE_HOP, f)) {
      return Optional.empty();
    }
    List<String> needed = ids(List.of(kb.chunkStating(f)));
    List<String> distractors = sameRelation(f, 2, f.value(), Set.of(f.subject()), false, needed, List.of());
    return finish(id, QuestionKind.SINGLE_HOP, f.relation().question(rng, f.subject().phrase()), f.value(),
        needed, distractors);
  }

  private Optional<Question> nearMiss(String id) {
    if (withNearMisses.isEmpty()) {
      return Optional.empty();
    }
    Entity subject = pick(withNearMisses);
    List<Fact> about = company.factsAbout(subject);
    Fact f = about.get(rng.nextInt(about.size()));
    if (!kb.chunkStating(f).namesSubject() || !fresh(QuestionKind.DISTRACTOR, f)) {
      return Optional.empty();
    }
    List<String> needed = ids(List.of(kb.chunkStating(f)));
    List<Fact> siblings = new ArrayList<>();
    for (Entity other : company.nearMissesOf(subject)) {
      company.fact(other, f.relation()).ifPresent(siblings::add);
    }
    List<String> distractors = pickDistractors(siblings, 2, f.value(), needed, List.of(), false);
    if (distractors.isEmpty()) {
      return Optional.empty();
    }
    Set<Entity> exclude = new HashSet<>(company.nearMissesOf(subject));
    exclude.add(subject);
    distractors = new ArrayList<>(distractors);
    distractors.addAll(sameRelation(f, 1, f.value(), exclude, false, needed, distractors));
    return finish(id, QuestionKind.DISTRACTOR, f.relation().question(rng, f.subject().phrase()), f.value(),
        needed, distractors);
  }

  /**
   * Two facts: the first names its subject and its value is the bridge entity; the second states a property of the
   * bridge. Plain: the second's chunk names the bridge. Bridged: it does not ("It is based in Oslo"), so its
   * antecedent chunks, which do, are needed too.
   */
  private Optional<Question> multiHop(String id, boolean bridged) {
    QuestionKind kind = bridged ? QuestionKind.BRIDGED_MULTI_HOP : QuestionKind.MULTI_HOP;
    if (composable.isEmpty()) {
      return Optional.empty();
    }
    Fact first = pick(composable);
    Optional<Entity> middle = company.valueEntity(first);
    if (middle.isEmpty()) {
      return Optional.empty();
    }
    List<Fact> seconds = new ArrayList<>();
    for (Fact g : company.factsAbout(middle.get())) {
      if (first.relation().composesWith(g.relation()) && kb.chunkStating(g).namesSubject() != bridged) {
        seconds.add(g);
      }
    }
    if (seconds.isEmpty()) {
      return Optional.empty();
    }
    Fact second = pick(seconds);
    Chunk one = kb.chunkStating(first);
    Chunk two = kb.chunkStating(second);
    List<Chunk> hopTwo = bridged ? kb.withAntecedents(two) : List.of(two);
    if (hopTwo.contains(one)
        || hopTwo.stream().anyMatch(c -> TextMatch.containsWord(c.text(), first.subject().nameInText()))
        || TextMatch.containsWord(one.text(), second.value())
        || hopTwo.stream().anyMatch(c -> !c.equals(two) && TextMatch.containsWord(c.text(), second.value()))
        || bridged && TextMatch.containsWord(two.text(), middle.get().nameInText())
        || !asked.add(kind + "/" + key(first) + "/" + key(second))) {
      return Optional.empty();
    }
    List<Chunk> neededChunks = new ArrayList<>(List.of(one));
    neededChunks.addAll(hopTwo);
    List<String> needed = ids(neededChunks);
    List<String> distractors = new ArrayList<>(
        sameRelation(first, 1, second.value(), Set.of(first.subject()), false, needed, List.of()));
    distractors.addAll(sameRelation(second, 1, second.value(), Set.of(middle.get()), bridged, needed, distractors));
    String text = second.relation().question(rng, first.relation().describeObject(first.subject().phrase()));
    return finish(id, kind, text, second.value(), needed, distractors);
  }

  private Optional<Question> crossChunk(String id) {
    if (unnamed.isEmpty()) {
      return Optional.empty();
    }
    Fact f = pick(unnamed);
    Chunk answering = kb.chunkStating(f);
    if (TextMatch.containsWord(answering.text(), f.subject().nameInText()) || !fresh(QuestionKind.CROSS_CHUNK, f)) {
      return Optional.empty();
    }
    List<String> needed = ids(kb.withAntecedents(answering));
    List<String> distractors = sameRelation(f, 2, f.value(), Set.of(f.subject()), true, needed, List.of());
    return finish(id, QuestionKind.CROSS_CHUNK, f.relation().question(rng, f.subject().phrase()), f.value(),
        needed, distractors);
  }

  private Optional<Question> finish(String id, QuestionKind kind, String text, String answer, List<String> needed,
                                    List<String> distractors) {
    if (distractors.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Question(id, kind, text, answer, needed, distractors));
  }

  /** Distractors stating the same relation for other subjects, each with the chunks it needs. */
  private List<String> sameRelation(Fact f, int count, String answer, Set<Entity> exclude, boolean unnamedFirst,
                                    List<String> needed, List<String> taken) {
    List<Fact> candidates = new ArrayList<>();
    for (Fact g : company.facts()) {
      if (g.relation() == f.relation() && !exclude.contains(g.subject())) {
        candidates.add(g);
      }
    }
    return pickDistractors(candidates, count, answer, needed, taken, unnamedFirst);
  }

  private List<String> pickDistractors(List<Fact> candidates, int count, String answer, List<String> needed,
                                       List<String> taken, boolean unnamedFirst) {
    List<Fact> order = new ArrayList<>(candidates);
    Collections.shuffle(order, new Random(rng.nextLong()));
    if (unnamedFirst) {
      order.sort((a, b) -> Boolean.compare(kb.chunkStating(a).namesSubject(), kb.chunkStating(b).namesSubject()));
    }
    LinkedHashSet<String> out = new LinkedHashSet<>();
    int picked = 0;
    for (Fact g : order) {
      if (picked == count) {
        break;
      }
      if (g.value().equals(answer)) {
        continue;
      }
      List<Chunk> closure = kb.withAntecedents(kb.chunkStating(g));
      boolean clean = true;
      for (Chunk c : closure) {
        clean &= !TextMatch.containsWord(c.text(), answer) && !needed.contains(c.id()) && !taken.contains(c.id())
            && !out.contains(c.id());
      }
      if (clean) {
        closure.forEach(c -> out.add(c.id()));
        picked++;
      }
    }
    return List.copyOf(out);
  }

  private boolean fresh(QuestionKind kind, Fact f) {
    return asked.add(kind + "/" + key(f));
  }

  private static String key(Fact f) {
    return f.subject().id() + "." + f.relation();
  }

  private static List<String> ids(List<Chunk> chunks) {
    return chunks.stream().map(Chunk::id).toList();
  }

  private <T> T pick(List<T> options) {
    return options.get(rng.nextInt(options.size()));
  }
}
