package dev.kvrag.bench.kb;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Writes an entity's page: an opening line that names it, then its facts and 13–20 filler
 * sentences in random order, in paragraphs of 3–5 sentences. Later sentences mostly say "It",
 * "She", "The team": a paragraph opens with the name a quarter of the time, any other sentence
 * one time in twelve. So once the page is cut into chunks, many chunks never name their subject,
 * as in real documents.
 */
final class DocumentWriter {

  private static final double NAME_AT_PARAGRAPH = 0.25;
  private static final double NAME_INSIDE = 1.0 / 12;
  private static final double PRONOUN_OVER_DESCRIPTION = 0.65;

  private DocumentWriter() {}

  static List<Sentence> write(Entity subject, Company company, SplittableRandom rng, Naming naming) {
    List<Sentence> page = new ArrayList<>();
    String opening = PageTemplates.fill(PageTemplates.opening(subject.kind(), rng), company.name(), rng);
    page.add(new Sentence(Mention.NAME.render(opening, subject), Optional.empty(), true, true));

    List<Optional<Fact>> body = new ArrayList<>();
    for (Fact f : company.factsAbout(subject)) {
      body.add(Optional.of(f));
    }
    List<String> fillers = new ArrayList<>(PageTemplates.fillers(subject.kind()));
    Collections.shuffle(fillers, new java.util.Random(rng.nextLong()));
    int fillerCount = Math.min(fillers.size(), 13 + rng.nextInt(8));
    for (int i = 0; i < fillerCount; i++) {
      body.add(Optional.empty());
    }
    Collections.shuffle(body, new java.util.Random(rng.nextLong()));

    int untilParagraph = 2 + rng.nextInt(3);
    int filler = 0;
    for (Optional<Fact> fact : body) {
      boolean opensParagraph = untilParagraph-- == 0;
      if (opensParagraph) {
        untilParagraph = 2 + rng.nextInt(3);
      }
      Mention mention = rng.nextDouble() < (opensParagraph ? NAME_AT_PARAGRAPH : NAME_INSIDE) ? Mention.NAME
          : rng.nextDouble() < PRONOUN_OVER_DESCRIPTION ? Mention.PRONOUN : Mention.DESCRIPTION;
      if (fact.isPresent() && naming == Naming.FACTS_NAMED) {
        mention = Mention.NAME;
      }
      String template;
      if (fact.isPresent()) {
        List<String> options = fact.get().relation().sentences();
        template = options.get(rng.nextInt(options.size())).replace("{o}", fact.get().value());
      } else {
        template = PageTemplates.fill(fillers.get(filler++), company.name(), rng);
      }
      page.add(new Sentence(mention.render(template, subject), fact, mention == Mention.NAME, opensParagraph));
    }
    return page;
  }
}
