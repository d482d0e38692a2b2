package dev.kvrag.inference.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.common.events.InferenceRequest;
import dev.kvrag.common.events.InferenceResult;
import dev.kvrag.engine.compress.FusionPlan;
import dev.kvrag.inference.TestModel;
import dev.kvrag.kvstore.local.LocalKvTier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

class InferenceWorkerTest {

    static final ServedModel MODEL = TestModel.served();
    static final String[] TEXTS = {"Nago-feed is owned by the Athuv team.", "The team behind it moved to Oslo in 2019.",
        "Orvel-cache is a storage service."};
    static final long NOW = 1_763_900_000_000L;
    /** The deadline of {@link #request}'s requests. */
    static final long DEADLINE = NOW + 60_000;

    final LocalKvTier store = new LocalKvTier(64 << 20);
    final InMemoryPorts.Streams streams = new InMemoryPorts.Streams();
    final InMemoryPorts.Ledger ledger = new InMemoryPorts.Ledger();
    final HeldClaims claims = new HeldClaims(ledger);
    final InferenceWorker worker = worker(claims);

    @Test
    void anAnswerIsStreamedAsTokenEntriesThenOneDoneEntryWhosePiecesSpellIt() {
        Outcome outcome = worker.handle(request("r-1", null, "d1#0", "d1#1").toJson(), NOW + 3);
        InferenceResult.Done done = assertInstanceOf(Outcome.Answered.class, outcome).done();
        List<InferenceResult> entries = streams.of("r-1");
        assertEquals(done, entries.getLast());
        for (int i = 0; i < entries.size() - 1; i++) {
            assertEquals(i, assertInstanceOf(InferenceResult.Token.class, entries.get(i)).index());
        }
        assertEquals(done.answer(), streams.tokenText("r-1"));
        assertEquals("cacheblend:ratio=0.15,check_layer=1", done.mode(), "a request without a mode gets the default");
        assertEquals(MODEL.prefixIds().length + ids(0).length + ids(1).length
                + MODEL.questionIds("Which team owns nago-feed?").length, done.promptTokens());
        assertTrue(done.completionTokens() >= 1 && done.completionTokens() <= 6, "maxTokens 6");
        assertEquals(3.0, done.timings().queueMs(), "from createdAtMs to pick-up");
        assertTrue(done.timings().ttftMs() <= done.timings().totalMs());
        assertTrue(ledger.completed.contains("r-1"));
    }

    @Test
    void chunksNoTierHeldAreComputedAndStoredSoTheNextRequestHitsAndAnswersTheSame() {
        InferenceResult.Done first = answered(worker.handle(request("r-1", null, "d1#0", "d1#1").toJson(), NOW));
        assertEquals(Map.of("local", 0L, "redis", 0L), first.cache().hitsByTier());
        assertEquals(2, first.cache().misses());
        assertTrue(store.contains(MODEL.chunkKvId(ids(0))) && store.contains(MODEL.chunkKvId(ids(1))));
        assertEquals(MODEL.prefixIds().length, first.cachedTokens(), "only the prefix's KV was reused");

        InferenceResult.Done second = answered(worker.handle(request("r-2", null, "d1#0", "d1#1").toJson(), NOW));
        assertEquals(Map.of("local", 2L, "redis", 0L), second.cache().hitsByTier());
        assertEquals(0, second.cache().misses());
        assertTrue(second.cachedTokens() > first.cachedTokens());
        assertTrue(second.cache().recomputeFraction() < 0.5, "cacheblend recomputes about 15 % of a stored context");
        assertEquals(first.answer(), second.answer(), "a chunk computed now is the chunk loaded later");
    }

    @Test
    void aRedeliveredRequestIsAnsweredOnce() {
        byte[] value = request("r-1", "naive", "d1#0").toJson();
        answered(worker.handle(value, NOW));
        int entries = streams.of("r-1").size();
        assertEquals(new Outcome.Duplicate("r-1"), worker.handle(value, NOW));
        assertEquals(entries, streams.of("r-1").size(), "the second delivery wrote nothing");
    }

    @Test
    void fullPrefillReusesNoStoredKvAndComputesTheWholeContext() {
        InferenceResult.Done done = answered(worker.handle(request("r-1", "full", "d1#0", "d1#1").toJson(), NOW));
        assertEquals("full", done.mode());
        assertEquals(0, done.cachedTokens());
        assertEquals(1.0, done.cache().recomputeFraction());
        assertEquals(0, done.cache().hits() + done.cache().misses(), "full asks the store for nothing");
    }

    @Test
    void cacheBlendRecomputingEveryTokenAnswersAsFullPrefill() {
        InferenceResult.Done full = answered(worker.handle(request("r-1", "full", "d1#0", "d2#2").toJson(), NOW));
        InferenceResult.Done blend = answered(worker.handle(request("r-2", "cacheblend:ratio=1", "d1#0", "d2#2")
                .toJson(), NOW));
        assertEquals(full.answer(), blend.answer());
        assertEquals(1.0, blend.cache().recomputeFraction());
    }

    @Test
    void aRequestWithoutRetrievedChunksIsAnsweredFromThePrefixAndQuestion() {
        InferenceResult.Done done = answered(worker.handle(request("r-1", null).toJson(), NOW));
        assertEquals("full", done.mode(), "nothing to fuse");
        assertEquals(MODEL.prefixIds().length + MODEL.questionIds("Which team owns nago-feed?").length,
                done.promptTokens());
    }

    @Test
    void badRequestsGetOneErrorEntryNamingTheProblemAndTheWorkerGoesOn() {
        InferenceRequest good = request("ok", null, "d1#0");
        List<Object[]> cases = new ArrayList<>();
        cases.add(new Object[] {with(good, "mode", "\"warp\""), 422, "mode 'warp': unknown fusion mode 'warp' (modes: "
                + "full, prefix, naive, cacheblend, ape)"});
        cases.add(new Object[] {with(good, "mode", "\"cacheblend:check_layer=7\""), 422, "mode 'cacheblend:ratio=0.15,"
                + "check_layer=7'"});
        cases.add(new Object[] {with(good, "tokenizerId", "\"sha256:0000000000000000\""), 422,
                "tokenizer sha256:0000000000000000 is not the served model's (" + MODEL.tokenizerId() + ")"});
        cases.add(new Object[] {with(good, "modelId", "\"llama-70b\""), 422, "model 'llama-70b' is not served here; "
                + "this worker serves 'test-model'"});
        cases.add(new Object[] {with(good, "chunkTokenIds", "[[1,2,151936]]"), 422, "chunk d1#0 has token id 151936, "
                + "outside the vocabulary"});
        cases.add(new Object[] {with(good, "maxTokens", "33"), 422, "maxTokens 33 is more than this worker generates "
                + "(32)"});
        cases.add(new Object[] {with(good, "question", "\" \""), 400, "the question is blank"});
        cases.add(new Object[] {with(good, "stream", "\"yes\""), 400, "\"stream\" is not true or false"});
        int n = 0;
        for (Object[] c : cases) {
            String id = "bad-" + n++;
            String json = ((String) c[0]).replace("\"requestId\":\"ok\"", "\"requestId\":\"" + id + "\"");
            Outcome outcome = worker.handle(json.getBytes(StandardCharsets.UTF_8), NOW);
            Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, outcome, json);
            assertEquals(c[1], failed.problem().status(), json);
            assertEquals(List.of(failed.problem().toFailure(1)), streams.of(id), "one error entry, no tokens");
            String detail = failed.problem().getMessage();
            assertTrue(detail.contains((String) c[2]), () -> "'" + detail + "' should contain '" + c[2] + "'");
        }
        Outcome late = worker.handle(request("late", null, "d1#0").toJson(), NOW + 60_001);
        assertEquals(504, assertInstanceOf(Outcome.Failed.class, late).problem().status());
        assertEquals("request late was picked up 1 ms after its deadline",
                ((InferenceResult.Failure) streams.last("late")).detail());
        assertEquals(new Outcome.Unreadable("inference request is not valid JSON: expected a field name at "
                + "character 1"), worker.handle("{".getBytes(StandardCharsets.UTF_8), NOW));
        answered(worker.handle(good.toJson(), NOW));
    }

    @Test
    void aRequestWhoseWorkerDiedIsTakenOverOnceItsClaimLapsesAndTheNewAttemptStreamsFromIndexZero() {
        byte[] value = request("r-1", "naive", "d1#0").toJson();
        RequestLedger.Claim dead = ledger.claim("r-1").orElseThrow();
        streams.token("r-1", new InferenceResult.Token(dead.attempt(), 0, " half an answer"));
        // ...and then its worker died: nothing renews the claim.
        assertEquals(new Outcome.Held("r-1", InMemoryPorts.Ledger.LEASE, DEADLINE), worker.handle(value, NOW),
                "the claim lasts its lease: the delivery is to be looked at again after it");
        ledger.pass(InMemoryPorts.Ledger.LEASE.plusSeconds(1));

        InferenceResult.Done done = answered(worker.handle(value, NOW));
        assertEquals(2, done.attempt());
        List<InferenceResult> second = streams.of("r-1", 2);
        assertEquals(done, second.getLast());
        for (int i = 0; i < second.size() - 1; i++) {
            assertEquals(i, assertInstanceOf(InferenceResult.Token.class, second.get(i)).index());
        }
        assertEquals(done.answer(), InMemoryPorts.Streams.tokenText(second));
        assertEquals(1, streams.of("r-1", 1).size(), "the dead attempt's entry stays; the gateway drops it");
        ledger.pass(InMemoryPorts.Ledger.LEASE.multipliedBy(2));
        assertEquals(new Outcome.Duplicate("r-1"), worker.handle(value, NOW), "answered stays answered");
    }

    @Test
    void aClaimRenewedWhileItsRequestIsAnsweredIsNotTakenOverHoweverLongTheAnswerTakes() {
        byte[] value = request("r-1", "naive", "d1#0").toJson();
        InferenceWorker other = worker(new HeldClaims(ledger));
        List<Outcome> competing = new ArrayList<>();
        streams.afterToken = token -> {
            for (int tick = 0; tick < 6; tick++) {
                // Two leases pass, with the renewer's tick every third of one.
                ledger.pass(claims.renewalInterval());
                claims.renew();
            }
            competing.add(other.handle(value, NOW));
        };
        InferenceResult.Done done = answered(worker.handle(value, NOW));
        assertEquals(1, done.attempt());
        assertTrue(!competing.isEmpty() && competing.stream().allMatch(o -> o instanceof Outcome.Held h
                && h.requestId().equals("r-1")), competing::toString);
        assertEquals(streams.of("r-1"), streams.of("r-1", 1), "no other attempt wrote anything");
    }

    @Test
    void aWorkerThatStalledPastItsLeaseStopsWithoutAFinalEntryAndTheWorkerThatTookOverAnswers() {
        byte[] value = request("r-1", "naive", "d1#0").toJson();
        InferenceWorker other = worker(new HeldClaims(ledger));
        List<Outcome> takeover = new ArrayList<>();
        streams.afterToken = token -> {
            if (token.attempt() == 1 && takeover.isEmpty()) {
                takeover.add(null);
                // A pause longer than the lease, with no renewal: the redelivery elsewhere takes the request over.
                ledger.pass(InMemoryPorts.Ledger.LEASE.plusSeconds(1));
                takeover.set(0, other.handle(value, NOW));
                claims.renew();
            }
        };
        assertEquals(new Outcome.Superseded("r-1", 1, List.of()), worker.handle(value, NOW));
        InferenceResult.Done done = answered(takeover.getFirst());
        assertEquals(2, done.attempt());
        assertEquals(done, streams.last("r-1"), "the stalled attempt wrote no final entry after it");
        assertTrue(streams.of("r-1", 1).stream().noneMatch(InferenceResult::isFinal));
        assertEquals(List.of("r-1"), streams.abandoned);
        assertTrue(ledger.completed.contains("r-1"));
    }

    @Test
    void aResultStreamFailureGivesTheClaimUpSoTheRetriedDeliveryTakesTheRequestAtOnce() {
        byte[] value = request("r-1", "naive", "d1#0").toJson();
        streams.finalFailure = new IllegalStateException("Redis is down");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> worker.handle(value, NOW));
        assertEquals("Redis is down", e.getMessage());
        streams.finalFailure = null;
        assertEquals(2, answered(worker.handle(value, NOW)).attempt(), "no lease to wait out");
    }

    @Test
    void aFailedRenewalCostsNothingButAWarningWithTheAnswer() {
        streams.afterToken = token -> {
            ledger.renewalFailure = new IllegalStateException("Redis is down");
            claims.renew();
            ledger.renewalFailure = null;
        };
        Outcome.Answered answered = assertInstanceOf(Outcome.Answered.class,
                worker.handle(request("r-1", "naive", "d1#0").toJson(), NOW));
        assertTrue(answered.warnings().stream().anyMatch(w -> w.startsWith("renewing the claim of attempt 1 failed")
                && w.endsWith("last: java.lang.IllegalStateException: Redis is down")), answered.warnings()::toString);
    }

    InferenceWorker worker(HeldClaims held) {
        return new InferenceWorker(MODEL, new StoredChunks(store, new InMemoryPorts.Keys(), store::contains), streams,
                held, new InferenceWorker.Settings(FusionPlan.parse("cacheblend:ratio=0.15,check_layer=1"), 4096, 32));
    }

    static InferenceResult.Done answered(Outcome outcome) {
        return assertInstanceOf(Outcome.Answered.class, outcome, outcome::toString).done();
    }

    static int[] ids(int text) {
        return TestModel.chunkIds(MODEL, TEXTS[text]);
    }

    /** A request over chunks {@code dN#i} whose text is {@code TEXTS[i]}: what the gateway sends. */
    static InferenceRequest request(String id, String mode, String... chunkIds) {
        int[][] ids = new int[chunkIds.length][];
        List<String> docs = new ArrayList<>();
        for (int i = 0; i < chunkIds.length; i++) {
            ids[i] = ids(Integer.parseInt(chunkIds[i].substring(chunkIds[i].indexOf('#') + 1)));
            docs.add(chunkIds[i].substring(0, chunkIds[i].indexOf('#')));
        }
        return new InferenceRequest(id, NOW, DEADLINE, MODEL.id(), MODEL.tokenizerId(),
                "Which team owns nago-feed?", List.of(chunkIds), docs, ids, mode, 6, 0, 0, true);
    }

    /** The request's JSON with one field's value replaced (or added, for an absent mode). */
    static String with(InferenceRequest r, String field, String json) {
        String s = new String(r.toJson(), StandardCharsets.UTF_8);
        if (!s.contains("\"" + field + "\":")) {
            return s.replace("\"maxTokens\"", "\"" + field + "\":" + json + ",\"maxTokens\"");
        }
        return s.replaceFirst("\"" + field + "\":(\\[\\[.*?\\]\\]|\"[^\"]*\"|[^,}]*)", "\"" + field + "\":"
                + Matcher.quoteReplacement(json));
    }
}
