package dev.kvrag.retrieval.domain.chunking;

/**
 * A stretch {@code [start, end)} of a document that chunks are built from: a sentence, or a piece of one that
 * alone would not fit in a chunk. It has no surrounding whitespace.
 *
 * @param opensParagraph true when a blank line (or the document start) comes before it: the preferred place for
 *     a chunk boundary
 */
record Span(int start, int end, boolean opensParagraph) {
}
