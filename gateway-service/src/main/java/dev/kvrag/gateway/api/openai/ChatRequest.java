package dev.kvrag.gateway.api.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Body of {@code POST /v1/chat/completions}, the OpenAI fields the gateway reads (others are ignored). The question
 * is the last user message; the answer is drawn from chunks retrieved for it. {@code mode}, {@code k} and
 * {@code documentIds} are kvrag extensions, as in {@code /v1/query}.
 *
 * @param model optional; when present, the served model's id
 * @param maxCompletionTokens wins over the older {@code max_tokens}
 * @param temperature 0 when absent (greedy), not OpenAI's 1: answers from documents should not wander
 * @param n only 1
 */
record ChatRequest(String model, List<Message> messages, Boolean stream,
                   @JsonProperty("stream_options") StreamOptions streamOptions,
                   @JsonProperty("max_tokens") Integer maxTokens,
                   @JsonProperty("max_completion_tokens") Integer maxCompletionTokens,
                   Double temperature, Long seed, Integer n, String mode, Integer k, List<String> documentIds) {

    /** @param content a string, or an array of parts of which the {@code text} ones are read */
    record Message(String role, Object content) {
    }

    /** @param includeUsage a last chunk, before {@code [DONE]}, carries the usage */
    record StreamOptions(@JsonProperty("include_usage") Boolean includeUsage) {
    }
}
