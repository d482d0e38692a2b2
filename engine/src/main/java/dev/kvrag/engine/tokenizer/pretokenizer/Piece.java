package dev.kvrag.engine.tokenizer.pretokenizer;

/**
 * A stretch of normalized text on its way to becoming a BPE word. {@code atTextStart} says that it
 * begins where the caller's whole text begins, which Metaspace's {@code prepend_scheme: first}
 * needs.
 */
public record Piece(String text, boolean atTextStart) {}
