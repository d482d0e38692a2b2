package dev.kvrag.retrieval.domain.chunking;

import java.util.Objects;

/**
 * One chunk of a document.
 *
 * @param text the chunk's text, stripped: {@code document.substring(start, end)}
 * @param tokenIds the ids of the chunk's prompt segment ({@code PromptLayout.chunk(text)}); owned by the record
 * @param start offset of the first character in the document
 * @param end offset after the last character
 */
public record Chunk(int ordinal, String text, int[] tokenIds, int start, int end) {

    public Chunk {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(tokenIds, "token ids");
    }
}
