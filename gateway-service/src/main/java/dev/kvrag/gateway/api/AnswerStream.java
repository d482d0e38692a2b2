package dev.kvrag.gateway.api;

import dev.kvrag.gateway.domain.Problem;
import dev.kvrag.gateway.domain.query.ClientGone;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * A Server-Sent Events response whose events are produced on a virtual thread of its own (it blocks on the
 * answer's result stream). Once the response has started, a failure can no longer change its status: it becomes a
 * last event built by the caller from the problem, then the stream ends.
 */
public final class AnswerStream {

    private static final Logger log = LoggerFactory.getLogger(AnswerStream.class);

    private final SseEmitter emitter;

    private AnswerStream(SseEmitter emitter) {
        this.emitter = emitter;
    }

    /**
     * @param body sends the events; runs on its own thread
     * @param onProblem the last event for a failure, from its problem+json fields
     */
    public static SseEmitter start(ExecutorService threads, Duration timeout, Consumer<AnswerStream> body,
                                   Function<Map<String, Object>, SseEmitter.SseEventBuilder> onProblem) {
        SseEmitter emitter = new SseEmitter(timeout.toMillis());
        AnswerStream stream = new AnswerStream(emitter);
        threads.execute(() -> {
            try {
                body.accept(stream);
                emitter.complete();
            } catch (ClientGone e) {
                log.debug("stream ended early: {}", e.getMessage());
                emitter.complete();
            } catch (Problem p) {
                if (p.status() >= 500) {
                    log.warn("{} {} in a stream: {}", p.status(), p.type(), p.getMessage());
                }
                stream.last(onProblem.apply(ProblemBody.map(p.status(), p.type(), p.title(), p.getMessage(), null)));
            } catch (RuntimeException e) {
                log.error("stream failed", e);
                stream.last(onProblem.apply(ProblemBody.map(500, "internal-error", "Internal error",
                        "the gateway failed on this request; its log has the cause", null)));
            }
        });
        return emitter;
    }

    /** @throws ClientGone when the client has closed the response */
    public void send(SseEmitter.SseEventBuilder event) {
        try {
            emitter.send(event);
        } catch (IOException | IllegalStateException e) {
            throw new ClientGone(e);
        }
    }

    private void last(SseEmitter.SseEventBuilder event) {
        try {
            emitter.send(event);
            emitter.complete();
        } catch (IOException | IllegalStateException e) {
            log.debug("could not send the last event: {}", e.getMessage());
        }
    }
}
