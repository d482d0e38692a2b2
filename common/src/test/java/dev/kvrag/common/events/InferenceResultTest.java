package dev.kvrag.common.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InferenceResultTest {

    @Test
    void everyEntryTypeSurvivesTheRoundTripThroughItsTwoStreamFields() {
        for (InferenceResult r : List.of(new InferenceResult.Token(1, 0, " Oslo \"quoted\"\n"), done(),
                new InferenceResult.Failure(1, 422, "Unprocessable request", "tokenizer sha256:1 is not the served "
                        + "model's"), new InferenceResult.Token(2, 0, " Oslo"), new InferenceResult.Failure(3, 500,
                        "Inference failed", "boom"))) {
            InferenceResult back = InferenceResult.fromEntry(r.type(), new String(r.toJson(), StandardCharsets.UTF_8));
            assertEquals(r, back);
            assertEquals(!(r instanceof InferenceResult.Token), back.isFinal());
        }
    }

    @Test
    void theDoneEntryHasTheContractsShape() {
        assertEquals("{\"requestId\":\"r-1\",\"answer\":\"Oslo\",\"finishReason\":\"eos\","
                        + "\"mode\":\"cacheblend:ratio=0.15,check_layer=1\",\"promptTokens\":812,"
                        + "\"completionTokens\":3,\"cachedTokens\":790,\"timings\":{\"queueMs\":1.2,\"kvLoadMs\":3.1,"
                        + "\"recomputeMs\":40.2,\"ttftMs\":47.9,\"decodeMs\":20.3,\"totalMs\":70.1},"
                        + "\"cache\":{\"hitsByTier\":{\"local\":4,\"redis\":1},\"misses\":1,\"recomputeFraction\":0.15}}",
                new String(done().toJson(), StandardCharsets.UTF_8));
        assertEquals(5, done().cache().hits());
    }

    @Test
    void aFirstAttemptWritesNoAttemptFieldAndAnEntryWithoutOneIsTheFirstAttempts() {
        assertEquals("{\"index\":0,\"text\":\" Oslo\"}",
                new String(new InferenceResult.Token(1, 0, " Oslo").toJson(), StandardCharsets.UTF_8));
        assertEquals(InferenceResult.FIRST_ATTEMPT, InferenceResult.fromEntry("token", "{\"index\":3,\"text\":\"x\"}")
                .attempt());
        assertEquals(InferenceResult.FIRST_ATTEMPT, done().attempt());
    }

    @Test
    void aLaterAttemptsEntriesSayWhichAttemptWroteThem() {
        assertEquals("{\"attempt\":2,\"index\":0,\"text\":\" Oslo\"}",
                new String(new InferenceResult.Token(2, 0, " Oslo").toJson(), StandardCharsets.UTF_8));
        InferenceResult.Done d = done();
        InferenceResult.Done second = new InferenceResult.Done(d.requestId(), 2, d.answer(), d.finishReason(), d.mode(),
                d.promptTokens(), d.completionTokens(), d.cachedTokens(), d.timings(), d.cache());
        assertEquals(second, InferenceResult.fromEntry("done", new String(second.toJson(), StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class, () -> new InferenceResult.Token(0, 0, "x"));
        EventFormatException e = assertThrows(EventFormatException.class,
                () -> InferenceResult.fromEntry("token", "{\"attempt\":0,\"index\":0,\"text\":\"x\"}"));
        assertTrue(e.getMessage().contains("token entry: attempt 0 is out of range"), e.getMessage());
    }

    @Test
    void streamKeysAreTheContractsAndRefuseUnsafeIds() {
        assertEquals("kvrag:results:0b6f-1", InferenceResult.streamKey("0b6f-1"));
        assertThrows(IllegalArgumentException.class, () -> InferenceResult.streamKey("a:b*"));
    }

    @Test
    void badEntriesSayWhatIsWrong() {
        EventFormatException type = assertThrows(EventFormatException.class,
                () -> InferenceResult.fromEntry("tokens", "{}"));
        assertTrue(type.getMessage().contains("expected \"token\", \"done\" or \"error\""));
        String good = new String(done().toJson(), StandardCharsets.UTF_8);
        assertMessage(good.replace("\"eos\"", "\"tired\""), "finish reason 'tired' is not one of [eos, stop, length]");
        assertMessage(good.replace("\"local\":4", "\"local\":\"4\""), "done entry.cache.hitsByTier: \"local\" is not "
                + "an integer");
        assertMessage(good.replace("\"ttftMs\":47.9,", ""), "done entry.timings has no \"ttftMs\"");
        assertMessage(good.replace("\"recomputeFraction\":0.15", "\"recomputeFraction\":1.5"),
                "recompute fraction must lie in [0, 1]");
        assertMessage(good.replace("\"cachedTokens\":790", "\"cachedTokens\":900"), "cached 900");
        EventFormatException status = assertThrows(EventFormatException.class, () -> InferenceResult.fromEntry("error",
                "{\"status\":200,\"title\":\"OK\",\"detail\":\"\"}"));
        assertTrue(status.getMessage().contains("4xx or 5xx status, got 200"));
        assertFalse(new InferenceResult.Failure(1, 503, "Unavailable", "").isClientError());
    }

    static InferenceResult.Done done() {
        Map<String, Long> hits = new LinkedHashMap<>();
        hits.put("local", 4L);
        hits.put("redis", 1L);
        return new InferenceResult.Done("r-1", 1, "Oslo", "eos", "cacheblend:ratio=0.15,check_layer=1", 812, 3, 790,
                new InferenceResult.Timings(1.2, 3.1, 40.2, 47.9, 20.3, 70.1),
                new InferenceResult.CacheUse(hits, 1, 0.15));
    }

    private static void assertMessage(String json, String expected) {
        EventFormatException e = assertThrows(EventFormatException.class,
                () -> InferenceResult.fromEntry("done", json));
        assertTrue(e.getMessage().contains(expected),
                () -> "'" + e.getMessage() + "' should contain '" + expected + "'");
    }
}
