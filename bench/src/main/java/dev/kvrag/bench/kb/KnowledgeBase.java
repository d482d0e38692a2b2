package dev.kvrag.bench.kb;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A company's pages cut into chunks, deterministic in (seed, split, budget): the same arguments
 * give the same text, chunk ids and facts on every machine and run.
 */
public final class KnowledgeBase {

  private final long seed;
  private final Split split;
  private final Company company;
  private final List<Document> documents;
  private final List<Chunk> chunks = new ArrayList<>();
  private final Map<String, Chunk> chunkById = new HashMap<>();
  private final Map<String, Document> documentById = new HashMap<>();
  private final Map<Fact, Chunk> chunkOfFact = new HashMap<>();

  private KnowledgeBase(long seed, Split split, Company company, List<Document> documents) {
    this.seed = seed;
    this.split = split;
    this.company = company;
    this.documents = List.copyOf(documents);
    for (Document d : documents) {
      documentById.put(d.id(), d);
      for (Chunk c : d.chunks()) {
        chunks.add(c);
        chunkById.put(c.id(), c);
        for (Fact f : c.facts()) {
          chunkOfFact.put(f, c);
        }
      }
    }
  }

  public static KnowledgeBase generate(long seed, Split split, ChunkBudget budget) {
    return generate(seed, split, budget, Naming.AS_WRITTEN);
  }

  public static KnowledgeBase generate(long seed, Split split, ChunkBudget budget, Naming naming) {
    SplittableRandom rng = new SplittableRandom(seed);
    Company company = CompanyGenerator.generate(rng.split(), split);
    SplittableRandom writing = rng.split();
    List<Document> documents = new ArrayList<>();
    for (Entity e : company.entities()) {
      if (e.kind().hasPage()) {
        List<Sentence> page = DocumentWriter.write(e, company, writing.split(), naming);
        documents.add(new Document(e.id(), e, Chunker.cut(e.id(), page, budget)));
      }
    }
    return new KnowledgeBase(seed, split, company, documents);
  }

  public long seed() {
    return seed;
  }

  public Split split() {
    return split;
  }

  public Company company() {
    return company;
  }

  public List<Document> documents() {
    return documents;
  }

  public List<Chunk> chunks() {
    return List.copyOf(chunks);
  }

  public Chunk chunk(String id) {
    Chunk c = chunkById.get(id);
    if (c == null) {
      throw new IllegalArgumentException("no chunk " + id + " in knowledge base " + seed);
    }
    return c;
  }

  public Document document(String id) {
    return documentById.get(id);
  }

  /** The chunk whose text states the fact. */
  public Chunk chunkStating(Fact fact) {
    return chunkOfFact.get(fact);
  }

  /**
   * What a reader needs to understand a chunk: the chunks of its page from the last one that names
   * the subject up to the chunk itself. A chunk that names its subject needs only itself.
   */
  public List<Chunk> withAntecedents(Chunk chunk) {
    List<Chunk> page = documentById.get(chunk.documentId()).chunks();
    int from = chunk.position();
    while (!page.get(from).namesSubject()) {
      from--;
    }
    return List.copyOf(page.subList(from, chunk.position() + 1));
  }
}
