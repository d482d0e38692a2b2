package dev.kvrag.gateway.api.query;

import dev.kvrag.gateway.GatewayProperties;
import dev.kvrag.gateway.api.AnswerStream;
import dev.kvrag.gateway.domain.query.PartialAnswer;
import dev.kvrag.gateway.domain.query.QueryService;
import dev.kvrag.gateway.domain.query.Question;
import dev.kvrag.gateway.domain.query.QuestionRules;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code POST /v1/query}: a question answered over the ingested documents, as one JSON object or, with
 * {@code stream: true}, as Server-Sent Events ({@code token} per token, then {@code summary}; {@code error} if it
 * fails after the stream began). Everything that can be refused (the question, the mode, unknown documents, an
 * unavailable dependency) is refused before the stream begins, with a plain status.
 *
 * <p>When the worker answering stopped part-way (it crashed) and another took the request over, a {@code restart}
 * event ({@code {"attempt":2,"discarded":3}}) tells the client to drop the tokens it has: the answer starts again at
 * index 0, and the {@code summary} is the restarted answer's. Only a client that already got tokens sees one.
 */
@RestController
class QueryController {

    private final QuestionRules rules;
    private final QueryService queries;
    private final ExecutorService answerStreams;
    private final Duration streamTimeout;

    QueryController(QuestionRules rules, QueryService queries, ExecutorService answerStreams,
                    GatewayProperties properties) {
        this.rules = rules;
        this.queries = queries;
        this.answerStreams = answerStreams;
        this.streamTimeout = properties.inference().timeout().plusSeconds(10);
    }

    /** A token event's data. */
    record TokenEvent(int index, String text) {
    }

    /** A restart event's data: the tokens sent so far ({@code discarded} of them) are void. */
    record RestartEvent(int attempt, int discarded) {
    }

    @Operation(summary = "Answer a question from the ingested documents", description = "JSON, or Server-Sent Events "
            + "with stream=true: 'token' events ({index,text}), then 'summary' (this schema) or 'error' (problem). A "
            + "'restart' event ({attempt,discarded}) voids the tokens before it: another worker answers from index 0.")
    @ApiResponse(responseCode = "200", content = {
            @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = QueryResponse.class)),
            @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE)})
    @PostMapping(path = "/v1/query", consumes = MediaType.APPLICATION_JSON_VALUE)
    Object query(@RequestBody QueryBody body) {
        boolean stream = Boolean.TRUE.equals(body.stream());
        Question question = rules.check(body.question(), body.k(), body.mode(), body.maxTokens(), body.documentIds(),
                body.temperature(), body.seed(), stream);
        QueryService.Retrieved retrieved = queries.retrieve(question);
        if (!stream) {
            return QueryResponse.of(queries.answer(retrieved, partial -> { }));
        }
        return AnswerStream.start(answerStreams, streamTimeout, events -> {
            var answer = queries.answer(retrieved, partial -> events.send(switch (partial) {
                case PartialAnswer.Piece p -> SseEmitter.event().name("token")
                        .data(new TokenEvent(p.index(), p.text()), MediaType.APPLICATION_JSON);
                case PartialAnswer.Restart r -> SseEmitter.event().name("restart")
                        .data(new RestartEvent(r.attempt(), r.discarded()), MediaType.APPLICATION_JSON);
            }));
            events.send(SseEmitter.event().name("summary").data(QueryResponse.of(answer), MediaType.APPLICATION_JSON));
        }, problem -> SseEmitter.event().name("error").data(problem, MediaType.APPLICATION_JSON));
    }
}
