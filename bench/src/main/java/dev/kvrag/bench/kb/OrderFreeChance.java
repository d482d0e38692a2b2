package dev.kvrag.bench.kb;

import java.util.List;
import java.util.Optional;

/**
 * What the retrieved chunks say about a cross_chunk (or bridged multi-hop) answer once their order is gone, as it is under APE (DESIGN §4:
 * every chunk starts at the same position, and no chunk attends to another). The answer's chunk never names its
 * subject; it says "He joined the company in 2023" or "It is led by …", and only the chunk before it says who. A
 * reader that sees the chunks as a set knows every fact they state and the asked subject's pronoun, but not which
 * unnamed chunk continues which page: every chunk of the context that states the asked relation of an unnamed
 * subject with the same pronoun reads alike. Picking one of those {@link #candidates} is right with chance
 * 1 / candidates. That is an estimate of an order-free mode's ceiling, not a proof: it ignores weaker cues (a page
 * does not state one property twice), which a 12-layer model is unlikely to use and which a stronger reader could.
 */
public final class OrderFreeChance {

  private OrderFreeChance() {}

  /**
   * The context chunks an order-free reader cannot tell from the one that answers {@code e}, that one included; 1
   * for every question whose answer's chunk names its subject (all but cross_chunk and bridged multi-hop).
   */
  public static int candidates(Example e) {
    if (!e.question().kind().answeredByAnUnnamedChunk()) {
      return 1;
    }
    Fact asked = askedFact(e);
    int count = 0;
    for (Chunk c : e.context()) {
      if (!c.namesSubject() && statesOfAlike(c, asked)) {
        count++;
      }
    }
    if (count == 0) {
      throw new IllegalStateException(e.question().id() + ": the answer's chunk is not among its own candidates");
    }
    return count;
  }

  private static boolean statesOfAlike(Chunk c, Fact asked) {
    return c.facts().stream().anyMatch(f -> f.relation() == asked.relation()
        && f.subject().pronoun().equals(asked.subject().pronoun()));
  }

  /** The fact that the question asks: the last needed chunk's fact whose value is the answer. */
  private static Fact askedFact(Example e) {
    List<String> needed = e.question().needed();
    String answerChunk = needed.getLast();
    Optional<Fact> fact = e.context().stream().filter(c -> c.id().equals(answerChunk)).findFirst()
        .flatMap(c -> c.facts().stream().filter(f -> f.value().equals(e.question().answer())).findFirst());
    return fact.orElseThrow(() -> new IllegalStateException(
        e.question().id() + ": no fact of chunk " + answerChunk + " has the answer '" + e.question().answer() + "'"));
  }
}
