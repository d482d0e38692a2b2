package dev.kvrag.engine.prompt;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The order in which retrieved chunks enter a prompt. A chunk often continues the one before it in
 * its document ("It moved to Oslo in 2019"), so the chunks of one document sit together and in
 * document order; documents come in the order of their best-ranked chunk.
 */
public final class ChunkOrder {

  private ChunkOrder() {}

  /** @param ranked chunks best first (or shuffled, for a benchmark that must not leak rank) */
  public static List<RetrievedChunk> byDocument(List<RetrievedChunk> ranked) {
    Map<String, List<RetrievedChunk>> documents = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    for (RetrievedChunk c : ranked) {
      if (!seen.add(c.chunkId())) {
        throw new IllegalArgumentException("chunk " + c.chunkId() + " was retrieved twice");
      }
      documents.computeIfAbsent(c.documentId(), d -> new ArrayList<>()).add(c);
    }
    List<RetrievedChunk> ordered = new ArrayList<>(ranked.size());
    for (List<RetrievedChunk> document : documents.values()) {
      document.sort(Comparator.comparingInt(RetrievedChunk::position));
      for (int i = 1; i < document.size(); i++) {
        if (document.get(i).position() == document.get(i - 1).position()) {
          throw new IllegalArgumentException("chunks " + document.get(i - 1).chunkId() + " and "
              + document.get(i).chunkId() + " claim the same position "
              + document.get(i).position() + " in document " + document.get(i).documentId());
        }
      }
      ordered.addAll(document);
    }
    return ordered;
  }
}
