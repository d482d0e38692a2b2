package dev.kvrag.inference.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.common.events.EventFormatException;
import dev.kvrag.common.events.InferenceResult;
import org.junit.jupiter.api.Test;

class RequestProblemTest {

    @Test
    void anUnreadableEventIsAMalformedRequest() {
        RequestProblem p = RequestProblem.of(new EventFormatException("inference request has no \"question\""));
        assertEquals(new InferenceResult.Failure(1, 400, "Malformed request", "inference request has no \"question\""),
                p.toFailure(1));
        assertTrue(p.isClientError());
    }

    @Test
    void anInputTheEngineRefusesByNameIsUnprocessable() {
        RequestProblem p = RequestProblem.of(new IllegalArgumentException("check layer 7 is past the last layer"));
        assertEquals(422, p.status());
        assertEquals("Unprocessable request", p.title());
        assertEquals("check layer 7 is past the last layer", p.getMessage());
    }

    @Test
    void anythingElseIsTheWorkersFaultAndKeepsItsCauseForTheLog() {
        IllegalStateException bug = new IllegalStateException("the model returned 3 logits");
        RequestProblem p = RequestProblem.of(bug);
        assertEquals(new InferenceResult.Failure(1, 500, "Inference failed",
                "IllegalStateException: the model returned 3 logits"), p.toFailure(1));
        assertFalse(p.isClientError());
        assertSame(bug, p.getCause());
    }

    @Test
    void aProblemIsItsOwnProblemAndCarriesNoStackTraceOfItsOwn() {
        RequestProblem p = RequestProblem.unprocessable("mode 'warp': unknown");
        assertSame(p, RequestProblem.of(p));
        assertEquals(0, p.getStackTrace().length, "a refused request logs one line");
        RequestProblem late = RequestProblem.deadlineExceeded("picked up 5 ms late");
        assertEquals(504, late.status());
        assertFalse(late.isClientError());
    }
}
