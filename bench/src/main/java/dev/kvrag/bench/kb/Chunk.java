package dev.kvrag.bench.kb;

import java.util.List;
import java.util.Objects;

/**
 * A passage of a page, cut at sentence boundaries: the unit that is retrieved, encoded once and
 * reused.
 *
 * @param id "team-3#1": the page's id and the position
 * @param position 0 for the page's first chunk
 * @param namesSubject whether any sentence names the page's subject; a chunk that does not can only
 *     be understood after the chunk before it
 * @param facts the facts its sentences state
 */
public record Chunk(String id, String documentId, int position, String text, boolean namesSubject,
                    List<Fact> facts) {

  public Chunk {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(documentId, "document id");
    Objects.requireNonNull(text, "text");
    facts = List.copyOf(facts);
  }
}
