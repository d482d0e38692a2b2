package dev.kvrag.gateway.api.openai;

import dev.kvrag.gateway.GatewayProperties;
import dev.kvrag.gateway.api.AnswerStream;
import dev.kvrag.gateway.api.query.QueryResponse;
import dev.kvrag.gateway.domain.Problem;
import dev.kvrag.gateway.domain.query.Answer;
import dev.kvrag.gateway.domain.query.PartialAnswer;
import dev.kvrag.gateway.domain.query.QueryService;
import dev.kvrag.gateway.domain.query.Question;
import dev.kvrag.gateway.domain.query.QuestionRules;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * OpenAI-compatible {@code POST /v1/chat/completions}: the last user message is the question, answered like
 * {@code /v1/query} from retrieved chunks. Streaming sends {@code chat.completion.chunk} events and ends with
 * {@code data: [DONE]}; a failure after the stream began is a last {@code {"error":{...}}} event, as OpenAI sends it.
 * A restarted answer (another worker took the request over part-way) is a {@code kvrag_restart} chunk
 * ({@link ChatCompletionChunk}).
 */
@RestController
class ChatCompletionsController {

    private final QuestionRules rules;
    private final QueryService queries;
    private final ExecutorService answerStreams;
    private final Duration streamTimeout;

    ChatCompletionsController(QuestionRules rules, QueryService queries, ExecutorService answerStreams,
                              GatewayProperties properties) {
        this.rules = rules;
        this.queries = queries;
        this.answerStreams = answerStreams;
        this.streamTimeout = properties.inference().timeout().plusSeconds(10);
    }

    @Operation(summary = "OpenAI-compatible chat completion over the ingested documents", description = "The last "
            + "user message is the question. stream=true: chat.completion.chunk events, then data: [DONE]; "
            + "stream_options.include_usage adds a usage chunk. usage.prompt_tokens_details.cached_tokens counts "
            + "reused KV.")
    @ApiResponse(responseCode = "200", content = {
            @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ChatCompletion.class)),
            @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE)})
    @PostMapping(path = "/v1/chat/completions", consumes = MediaType.APPLICATION_JSON_VALUE)
    Object complete(@RequestBody ChatRequest body) {
        String model = body.model();
        if (model != null && !model.equals(queries.modelId())) {
            throw Problem.unknownModel(model, queries.modelId());
        }
        if (body.n() != null && body.n() != 1) {
            throw Problem.invalid("n must be 1, got " + body.n() + ": one answer per request");
        }
        boolean stream = Boolean.TRUE.equals(body.stream());
        Question question = rules.check(lastUserMessage(body.messages()), body.k(), body.mode(),
                body.maxCompletionTokens() != null ? body.maxCompletionTokens() : body.maxTokens(), body.documentIds(),
                body.temperature(), body.seed(), stream);
        QueryService.Retrieved retrieved = queries.retrieve(question);
        long created = Instant.now().getEpochSecond();
        String served = queries.modelId();
        if (!stream) {
            return ChatCompletion.of(queries.answer(retrieved, partial -> { }), served, created);
        }
        boolean includeUsage = body.streamOptions() != null && Boolean.TRUE.equals(body.streamOptions().includeUsage());
        String id = ChatCompletion.id(retrieved.requestId());
        return AnswerStream.start(answerStreams, streamTimeout, events -> {
            events.send(data(ChatCompletionChunk.delta(id, created, served,
                    new ChatCompletionChunk.Delta("assistant", ""))));
            Answer answer = queries.answer(retrieved, partial -> events.send(data(switch (partial) {
                case PartialAnswer.Piece p -> ChatCompletionChunk.delta(id, created, served,
                        new ChatCompletionChunk.Delta(null, p.text()));
                case PartialAnswer.Restart r -> ChatCompletionChunk.restart(id, created, served,
                        new ChatCompletionChunk.Restart(r.attempt(), r.discarded()));
            })));
            events.send(data(new ChatCompletionChunk(id, ChatCompletionChunk.OBJECT, created, served,
                    List.of(new ChatCompletionChunk.Choice(0, new ChatCompletionChunk.Delta(null, null),
                            ChatCompletion.finishReason(answer))), null, QueryResponse.of(answer), null)));
            if (includeUsage) {
                events.send(data(new ChatCompletionChunk(id, ChatCompletionChunk.OBJECT, created, served, List.of(),
                        ChatUsage.of(answer), null, null)));
            }
            events.send(SseEmitter.event().data("[DONE]"));
        }, problem -> data(Map.of("error", Map.of("message", problem.get("detail"), "type", problem.get("type"),
                "code", problem.get("status")))));
    }

    private static SseEmitter.SseEventBuilder data(Object json) {
        return SseEmitter.event().data(json, MediaType.APPLICATION_JSON);
    }

    /** The question: the text of the last message whose role is {@code user}. */
    static String lastUserMessage(List<ChatRequest.Message> messages) {
        if (messages == null || messages.isEmpty()) {
            throw Problem.invalid("messages is missing or empty: send [{\"role\":\"user\",\"content\":\"...\"}]");
        }
        for (int i = messages.size() - 1; i >= 0; i--) {
            ChatRequest.Message m = messages.get(i);
            if (m != null && "user".equals(m.role())) {
                return text(m.content(), "messages[" + i + "].content");
            }
        }
        throw Problem.invalid("messages has no message with role 'user'; the question is the last user message");
    }

    private static String text(Object content, String where) {
        if (content instanceof String s) {
            return s;
        }
        if (content instanceof List<?> parts) {
            StringBuilder text = new StringBuilder();
            for (Object part : parts) {
                if (part instanceof Map<?, ?> p && "text".equals(p.get("type")) && p.get("text") instanceof String t) {
                    text.append(text.isEmpty() ? "" : "\n").append(t);
                }
            }
            if (!text.isEmpty()) {
                return text.toString();
            }
        }
        throw Problem.invalid(where + " must be a string or an array of {\"type\":\"text\",\"text\":\"...\"} parts");
    }
}
