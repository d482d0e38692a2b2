package dev.kvrag.inference.domain;

import dev.kvrag.common.events.EventFormatException;
import dev.kvrag.common.events.InferenceRequest;
import dev.kvrag.common.events.InferenceResult;
import dev.kvrag.common.events.KvTier;
import dev.kvrag.engine.compress.FusionPlan;
import dev.kvrag.engine.fusion.FusionModes;
import dev.kvrag.engine.generate.FinishReason;
import dev.kvrag.engine.generate.GenerationResult;
import dev.kvrag.engine.generate.Generator;
import dev.kvrag.engine.generate.SamplingParams;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Answers one delivery of an inference request: claim it (a redelivered request is answered once; one whose claim
 * lapsed is taken over as the next attempt), hold the claim while answering ({@link HeldClaims}), lay the prompt
 * out, fetch each chunk's KV as the mode asks (local tier, Redis, else computed after the prefix), fuse with the
 * request's mode (or the default), decode and stream each piece of text to the result stream, then the {@code done}
 * entry with timings and cache use; chunks computed on the way are stored afterwards, so the next request over them
 * hits. A request that cannot be answered gets an {@code error} entry ({@link RequestProblem}); nothing about a
 * request stops the worker. Every entry carries the claim's attempt, and an attempt whose claim lapsed stops without
 * a final entry, so the gateway follows one attempt from its first token to its end.
 */
public final class InferenceWorker {

    /**
     * @param defaultPlan what a request without a mode gets
     * @param maxPromptTokens prefix + chunks + question tokens a request may have
     * @param maxNewTokens the largest {@code maxTokens} a request may ask for
     */
    public record Settings(FusionPlan defaultPlan, int maxPromptTokens, int maxNewTokens) {

        public Settings {
            if (maxPromptTokens < 1 || maxNewTokens < 1) {
                throw new IllegalArgumentException("prompt and answer limits must be positive, got " + maxPromptTokens
                        + " and " + maxNewTokens);
            }
        }
    }

    private final ServedModel model;
    private final StoredChunks stored;
    private final Results results;
    private final HeldClaims claims;
    private final Settings settings;
    private final PromptAssembler assembler;

    public InferenceWorker(ServedModel model, StoredChunks stored, Results results, HeldClaims claims,
                           Settings settings) {
        this.model = model;
        this.stored = stored;
        this.results = results;
        this.claims = claims;
        this.settings = settings;
        this.assembler = new PromptAssembler(model, settings.maxPromptTokens());
    }

    /**
     * Handles one record value.
     *
     * @param pickedUpAtMs when the worker took the record (epoch ms): the end of its queueing, checked against its
     *     deadline
     * @throws RuntimeException only when the result stream or the ledger fails (the record is then redelivered,
     *     and the claim was given up so that the redelivery can take the request at once)
     */
    public Outcome handle(byte[] value, long pickedUpAtMs) {
        long start = System.nanoTime();
        InferenceRequest request = null;
        RequestProblem unreadable = null;
        String id;
        try {
            request = InferenceRequest.fromJson(value);
            id = request.requestId();
        } catch (EventFormatException e) {
            Optional<String> found = InferenceRequest.requestIdOf(value);
            if (found.isEmpty()) {
                return new Outcome.Unreadable(e.getMessage());
            }
            id = found.get();
            unreadable = RequestProblem.malformed(e.getMessage());
        }
        Optional<HeldClaims.Held> claim = claims.claim(id);
        if (claim.isEmpty()) {
            // a malformed request held elsewhere is refused by its holder; only a readable one is looked at again
            return request == null || claims.answered(id) ? new Outcome.Duplicate(id)
                    : new Outcome.Held(id, claims.lease(), request.deadlineMs());
        }
        HeldClaims.Held held = claim.get();
        try (held) {
            return unreadable != null ? fail(held, unreadable, List.of()) : answer(request, held, pickedUpAtMs, start);
        } catch (ClaimLost e) {
            results.abandon(id);
            return new Outcome.Superseded(id, held.attempt(), held.warnings());
        } catch (RuntimeException e) {
            held.releaseAfter(e);
            throw e;
        }
    }

    private Outcome answer(InferenceRequest request, HeldClaims.Held held, long pickedUpAtMs, long start) {
        Attempt attempt = new Attempt(request, held, pickedUpAtMs, start);
        try {
            return attempt.answer();
        } catch (ClaimLost e) {
            throw e;
        } catch (RuntimeException e) {
            return fail(held, RequestProblem.of(e), attempt.warnings());
        }
    }

    private Outcome fail(HeldClaims.Held held, RequestProblem problem, List<String> warnings) {
        String id = held.claim().requestId();
        held.confirm();
        results.failed(id, problem.toFailure(held.attempt()));
        held.complete();
        return new Outcome.Failed(id, held.attempt(), problem, concat(warnings, held.warnings()));
    }

    /** The mode a request asks for; its spec errors are the request's fault. */
    FusionPlan plan(String mode) {
        if (mode == null) {
            return settings.defaultPlan();
        }
        try {
            return FusionPlan.parse(mode);
        } catch (IllegalArgumentException e) {
            throw RequestProblem.unprocessable("mode '" + mode + "': " + e.getMessage());
        }
    }

    /** One request being answered. */
    private final class Attempt {

        private final InferenceRequest request;
        private final HeldClaims.Held held;
        private final long pickedUpAtMs;
        private final long start;
        private RequestKv kv;
        private int pieces;

        Attempt(InferenceRequest request, HeldClaims.Held held, long pickedUpAtMs, long start) {
            this.request = request;
            this.held = held;
            this.pickedUpAtMs = pickedUpAtMs;
            this.start = start;
        }

        List<String> warnings() {
            return kv == null ? List.of() : List.copyOf(kv.warnings());
        }

        Outcome answer() {
            checkServable();
            PromptPlan prompt = assembler.assemble(request);
            FusionPlan plan = planFor(prompt);
            kv = new RequestKv(model, stored, prompt);
            long fuseStart = System.nanoTime();
            FusionPlan.Fused fused = plan.run(model.transformer(), prompt.prefix(), prompt.chunkTokenIds(),
                    prompt.question(), kv);
            long fuseEnd = System.nanoTime();
            GenerationResult generated = Generator.generate(new FusedDecoding(fused, prompt.question()),
                    model.tokenizer(), prompt.question(), sampling(), model.tokenizer().eosIds(), this::stream);

            double kvLoadMs = ms(kv.loadNanos());
            double firstLogitsMs = ms(generated.promptNanos());
            int cached = kv.cachedTokens(fused.prompt().recompute().recomputedSlots());
            int context = prompt.contextTokens();
            InferenceResult.Timings timings = new InferenceResult.Timings(
                    round(Math.max(0, pickedUpAtMs - request.createdAtMs())), round(kvLoadMs),
                    round(Math.max(0, ms(fuseEnd - fuseStart) - kvLoadMs) + firstLogitsMs),
                    round(ms(fuseEnd - start) + firstLogitsMs), round(ms(generated.decodeNanos())),
                    round(ms(System.nanoTime() - start)));
            InferenceResult.CacheUse cache = new InferenceResult.CacheUse(allTiers(kv.hits()), kv.misses(),
                    context == 0 ? 0 : 1 - (double) cached / context);
            InferenceResult.Done done = new InferenceResult.Done(request.requestId(), held.attempt(), generated.text(),
                    finishReason(generated.finishReason()), plan.describe(), prompt.promptTokens(),
                    generated.tokenIds().length, cached, timings, cache);
            held.confirm();
            results.done(done);
            held.complete();
            kv.storeComputed();
            return new Outcome.Answered(done, modeName(plan), kv.traffic(), concat(kv.warnings(), held.warnings()));
        }

        /** Refuses what no prompt of this worker could answer: late, another model or tokenizer, too long. */
        private void checkServable() {
            InferenceRequest r = request;
            if (pickedUpAtMs > r.deadlineMs()) {
                throw RequestProblem.deadlineExceeded("request " + r.requestId() + " was picked up "
                        + (pickedUpAtMs - r.deadlineMs()) + " ms after its deadline");
            }
            if (!r.modelId().equals(model.id())) {
                throw RequestProblem.unprocessable("model '" + r.modelId() + "' is not served here; this worker "
                        + "serves '" + model.id() + "'");
            }
            if (!r.tokenizerId().equals(model.tokenizerId())) {
                throw RequestProblem.unprocessable("tokenizer " + r.tokenizerId() + " is not the served model's ("
                        + model.tokenizerId() + "): the chunk token ids would mean other text");
            }
            if (r.maxTokens() > settings.maxNewTokens()) {
                throw RequestProblem.unprocessable("maxTokens " + r.maxTokens() + " is more than this worker "
                        + "generates (" + settings.maxNewTokens() + ")");
            }
        }

        /** The request's fusion plan, checked against the model and this prompt. */
        private FusionPlan planFor(PromptPlan prompt) {
            FusionPlan plan = plan(request.mode());
            if (prompt.chunks().isEmpty() && plan.mode().needsChunks()) {
                // Nothing retrieved, nothing to fuse: the prompt is the prefix and the question.
                plan = new FusionPlan(FusionModes.create("full", Map.of()), plan.snapkv());
            }
            try {
                plan.mode().check(model.transformer().config(), prompt.chunks().size());
            } catch (IllegalArgumentException e) {
                throw RequestProblem.unprocessable("mode '" + plan.describe() + "': " + e.getMessage());
            }
            return plan;
        }

        private SamplingParams sampling() {
            return new SamplingParams(request.temperature(), 0, 1, request.seed(), request.maxTokens(), List.of());
        }

        /** Each piece of text as it is decoded, numbered from 0; a lost claim stops the decoding here. */
        private void stream(String text) {
            held.check();
            results.token(request.requestId(), new InferenceResult.Token(held.attempt(), pieces++, text));
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }

    /** The mode's name without parameters ({@code cacheblend}): a bounded metric label. */
    static String modeName(FusionPlan plan) {
        String spec = plan.mode().describe();
        int colon = spec.indexOf(':');
        return colon < 0 ? spec : spec.substring(0, colon);
    }

    static String finishReason(FinishReason reason) {
        return switch (reason) {
            case EOS -> "eos";
            case STOP_STRING -> "stop";
            case MAX_TOKENS -> "length";
        };
    }

    /** Hits by tier, every tier present (the contract's {@code hitsByTier}). */
    static Map<String, Long> allTiers(Map<KvTier, Long> hits) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (KvTier tier : KvTier.values()) {
            out.put(tier.wireName(), hits.getOrDefault(tier, 0L));
        }
        return out;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** Microsecond resolution: enough for a latency breakdown, short on the wire. */
    private static double round(double ms) {
        return Math.round(ms * 1000) / 1000.0;
    }
}
