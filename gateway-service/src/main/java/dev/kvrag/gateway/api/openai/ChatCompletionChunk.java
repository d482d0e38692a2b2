package dev.kvrag.gateway.api.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kvrag.gateway.api.query.QueryResponse;
import java.util.List;

/**
 * One {@code chat.completion.chunk} of a streamed answer: the first carries the role, then one per token, then one
 * with the finish reason (and the kvrag report), then, with {@code stream_options.include_usage}, one with no choices
 * and the usage. When another worker took the request over part-way, a chunk with no choices and a
 * {@code kvrag_restart} says that the content sent so far is void (OpenAI's protocol has no way to take content
 * back: a client that does not know the field sees the restarted answer appended; the last chunk's
 * {@code kvrag.answer} is always the answer).
 */
record ChatCompletionChunk(String id, String object, long created, String model, List<Choice> choices,
                           @JsonInclude(JsonInclude.Include.NON_NULL) ChatUsage usage,
                           @JsonInclude(JsonInclude.Include.NON_NULL) QueryResponse kvrag,
                           @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("kvrag_restart")
                           Restart kvragRestart) {

    static final String OBJECT = "chat.completion.chunk";

    /** @param finishReason null until the last choice chunk, and sent as null (clients test for it) */
    record Choice(int index, Delta delta, @JsonProperty("finish_reason") String finishReason) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Delta(String role, String content) {
    }

    /** The content sent before it ({@code discarded} deltas) is void; attempt {@code attempt} starts over. */
    record Restart(int attempt, int discarded) {
    }

    static ChatCompletionChunk delta(String id, long created, String model, Delta delta) {
        return new ChatCompletionChunk(id, OBJECT, created, model, List.of(new Choice(0, delta, null)), null, null,
                null);
    }

    static ChatCompletionChunk restart(String id, long created, String model, Restart restart) {
        return new ChatCompletionChunk(id, OBJECT, created, model, List.of(), null, null, restart);
    }
}
