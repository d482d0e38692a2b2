package dev.kvrag.engine.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkOrderTest {

  private static RetrievedChunk chunk(String doc, int position) {
    return new RetrievedChunk(doc + "#" + position, doc, position, "text of " + doc + "#" + position);
  }

  private static List<String> ids(List<RetrievedChunk> chunks) {
    return chunks.stream().map(RetrievedChunk::chunkId).toList();
  }

  @Test
  void chunksOfOneDocumentSitTogetherInDocumentOrder() {
    List<RetrievedChunk> ranked = List.of(chunk("a", 2), chunk("b", 0), chunk("a", 0), chunk("b", 3), chunk("a", 1));
    assertEquals(List.of("a#0", "a#1", "a#2", "b#0", "b#3"), ids(ChunkOrder.byDocument(ranked)));
  }

  @Test
  void documentsComeInTheOrderOfTheirBestRankedChunk() {
    List<RetrievedChunk> ranked = List.of(chunk("c", 1), chunk("a", 0), chunk("c", 0), chunk("b", 5));
    assertEquals(List.of("c#0", "c#1", "a#0", "b#5"), ids(ChunkOrder.byDocument(ranked)));
  }

  @Test
  void aChunkRetrievedTwiceIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ChunkOrder.byDocument(List.of(chunk("a", 0), chunk("a", 0))));
    assertEquals("chunk a#0 was retrieved twice", e.getMessage());
  }

  @Test
  void twoChunksAtOnePositionOfADocumentAreRejected() {
    RetrievedChunk clash = new RetrievedChunk("other", "a", 0, "x");
    assertThrows(IllegalArgumentException.class, () -> ChunkOrder.byDocument(List.of(chunk("a", 0), clash)));
  }
}
