package dev.kvrag.gateway.api.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kvrag.gateway.api.query.QueryResponse;
import dev.kvrag.gateway.domain.query.Answer;
import java.util.List;

/**
 * A {@code chat.completion} object. {@code kvrag} (sources, timings, cache report) is an extension that OpenAI
 * clients ignore and kvrag clients read.
 */
record ChatCompletion(String id, String object, long created, String model, List<Choice> choices, ChatUsage usage,
                      QueryResponse kvrag) {

    record Choice(int index, Message message, @JsonProperty("finish_reason") String finishReason) {
    }

    record Message(String role, String content) {
    }

    static ChatCompletion of(Answer answer, String model, long created) {
        return new ChatCompletion(id(answer.requestId()), "chat.completion", created, model,
                List.of(new Choice(0, new Message("assistant", answer.text()), finishReason(answer))),
                ChatUsage.of(answer), QueryResponse.of(answer));
    }

    static String id(String requestId) {
        return "chatcmpl-" + requestId;
    }

    /** The worker's {@code eos} and {@code stop} are OpenAI's {@code stop}; {@code length} is {@code length}. */
    static String finishReason(Answer answer) {
        return "length".equals(answer.finishReason()) ? "length" : "stop";
    }
}
