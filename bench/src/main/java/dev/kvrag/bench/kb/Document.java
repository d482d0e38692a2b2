package dev.kvrag.bench.kb;

import java.util.List;

/** One entity's page, cut into chunks; its id is the entity's. */
public record Document(String id, Entity subject, List<Chunk> chunks) {

  public Document {
    chunks = List.copyOf(chunks);
  }
}
