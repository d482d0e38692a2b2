package dev.kvrag.gateway.api.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kvrag.gateway.api.query.QueryResponse;
import java.util.List;

/**
 * One {@code chat.completion.chunk} of a streamed answer: the first carries the role, then one per token, then one
 * with the finish reason (and the kvrag report), then, with {@code stream_options.include_usage}, one with no choices
 * and the usage.
 */
record ChatCompletionChunk(String id, String object, long created, String model, List<Choice> choices,
                           @JsonInclude(JsonInclude.Include.NON_NULL) ChatUsage usage,
                           @JsonInclude(JsonInclude.Include.NON_NULL) QueryResponse kvrag) {

    static final String OBJECT = "chat.completion.chunk";

    /** @param finishReason null until the last choice chunk, and sent as null (clients test for it) */
    record Choice(int index, Delta delta, @JsonProperty("finish_reason") String finishReason) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Delta(String role, String content) {
    }

    static ChatCompletionChunk delta(String id, long created, String model, Delta delta) {
        return new ChatCompletionChunk(id, OBJECT, created, model, List.of(new Choice(0, delta, null)), null, null);
    }
}
