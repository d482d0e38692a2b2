package dev.kvrag.engine.prompt;

import java.util.Objects;

/**
 * A chunk handed to the prompt: its id, the document it was cut from and its position there (0 for
 * the document's first chunk), and its text.
 */
public record RetrievedChunk(String chunkId, String documentId, int position, String text) {

  public RetrievedChunk {
    Objects.requireNonNull(chunkId, "chunk id");
    Objects.requireNonNull(documentId, "document id");
    Objects.requireNonNull(text, "chunk text");
    if (position < 0) {
      throw new IllegalArgumentException("chunk " + chunkId + " has a negative position " + position);
    }
  }
}
