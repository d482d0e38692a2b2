package dev.kvrag.gateway.domain.query;

/** Token counts of one answer; {@code cachedTokens} of the prompt's KV came from a cache tier. */
public record Usage(int promptTokens, int completionTokens, int cachedTokens) {
}
