package dev.kvrag.bench.kb;

import dev.kvrag.engine.prompt.ChunkOrder;
import dev.kvrag.engine.prompt.RetrievedChunk;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Plays the retriever for the benchmark: a question's needed chunks and distractors plus up to
 * {@code maxExtra} random chunks (each with the chunks it needs to be understood), shuffled so that
 * rank says nothing, then ordered as the platform orders retrieved chunks ({@link ChunkOrder}).
 */
final class ContextAssembler {

  private ContextAssembler() {}

  static List<Chunk> assemble(KnowledgeBase kb, Question q, int maxExtra, SplittableRandom rng) {
    LinkedHashSet<String> ids = new LinkedHashSet<>(q.needed());
    ids.addAll(q.distractors());
    List<Chunk> all = kb.chunks();
    int extra = maxExtra == 0 ? 0 : rng.nextInt(maxExtra + 1);
    for (int i = 0; i < extra; i++) {
      for (Chunk c : kb.withAntecedents(all.get(rng.nextInt(all.size())))) {
        ids.add(c.id());
      }
    }
    List<RetrievedChunk> retrieved = new ArrayList<>(ids.size());
    for (String id : ids) {
      Chunk c = kb.chunk(id);
      retrieved.add(new RetrievedChunk(c.id(), c.documentId(), c.position(), c.text()));
    }
    Collections.shuffle(retrieved, new Random(rng.nextLong()));
    List<Chunk> context = new ArrayList<>(retrieved.size());
    for (RetrievedChunk r : ChunkOrder.byDocument(retrieved)) {
      context.add(kb.chunk(r.chunkId()));
    }
    return context;
  }
}
