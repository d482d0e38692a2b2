package dev.kvrag.gateway.api.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kvrag.gateway.domain.query.Answer;

/**
 * OpenAI's {@code usage}, with {@code prompt_tokens_details.cached_tokens}: the prompt tokens whose KV was reused,
 * so a client can see what the cache saved on every answer.
 */
record ChatUsage(@JsonProperty("prompt_tokens") int promptTokens,
                 @JsonProperty("completion_tokens") int completionTokens,
                 @JsonProperty("total_tokens") int totalTokens,
                 @JsonProperty("prompt_tokens_details") PromptTokensDetails promptTokensDetails) {

    record PromptTokensDetails(@JsonProperty("cached_tokens") int cachedTokens) {
    }

    static ChatUsage of(Answer a) {
        return new ChatUsage(a.usage().promptTokens(), a.usage().completionTokens(),
                a.usage().promptTokens() + a.usage().completionTokens(),
                new PromptTokensDetails(a.usage().cachedTokens()));
    }
}
