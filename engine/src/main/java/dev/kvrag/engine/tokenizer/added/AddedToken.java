package dev.kvrag.engine.tokenizer.added;

/**
 * One entry of tokenizer.json's {@code added_tokens}: text matched as a whole before the normal
 * pipeline runs. {@code lstrip}/{@code rstrip} swallow the whitespace beside it, {@code singleWord}
 * refuses matches inside a word, {@code normalized} matches it in the normalized text instead of
 * the raw text, and {@code special} ones can be skipped when decoding.
 */
public record AddedToken(
    int id,
    String content,
    boolean singleWord,
    boolean lstrip,
    boolean rstrip,
    boolean normalized,
    boolean special) {}
