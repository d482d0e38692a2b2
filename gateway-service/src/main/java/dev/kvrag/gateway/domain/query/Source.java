package dev.kvrag.gateway.domain.query;

/** A chunk an answer was drawn from, as a response shows it. */
public record Source(String documentId, String chunkId, String snippet, double score) {
}
