package dev.kvrag.common.events;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of a request's result stream: the Redis stream {@link #streamKey(String)}, written by the worker that
 * answers the request and read by the gateway replica waiting for it ({@code XREAD BLOCK} from id 0). Every entry
 * has two fields: {@code type} ({@link #type()}) and {@code data} (the JSON of {@link #toJson()}). A stream holds
 * token entries, then exactly one {@code done} or {@code error} entry, per {@linkplain #attempt() attempt}: usually
 * one; a worker that takes a request over from one that stopped answering (its claim lapsed) writes its own.
 *
 * <pre>
 * token: {"index":0,"text":" Oslo"}
 * done:  {"requestId":"…","answer":"Oslo","finishReason":"eos","mode":"cacheblend:ratio=0.15,check_layer=1",
 *         "promptTokens":812,"completionTokens":3,"cachedTokens":790,
 *         "timings":{"queueMs":1.2,"kvLoadMs":3.1,"recomputeMs":40.2,"ttftMs":47.9,"decodeMs":20.3,"totalMs":70.1},
 *         "cache":{"hitsByTier":{"local":4,"redis":1},"misses":1,"recomputeFraction":0.15}}
 * error: {"status":422,"title":"Unprocessable request","detail":"tokenizer sha256:… is not the served model's"}
 * token of a second attempt: {"attempt":2,"index":0,"text":" Oslo"}
 * </pre>
 * The {@code done} JSON is also the value of the audit record on {@link Topics#INFERENCE_RESULTS}, keyed by request
 * id. Readers ignore fields they do not know.
 */
public sealed interface InferenceResult permits InferenceResult.Token, InferenceResult.Done, InferenceResult.Failure {

    /** The first attempt's number: what an entry without an {@code attempt} field belongs to. */
    int FIRST_ATTEMPT = 1;

    /** Result streams are {@code kvrag:results:<requestId>}. */
    String STREAM_KEY_PREFIX = "kvrag:results:";
    /** Entries a stream keeps at most ({@code XADD … MAXLEN ~ 10000}): a runaway stream cannot fill Redis. */
    long STREAM_MAX_LENGTH = 10_000;
    /** A stream expires this long after its last entry, read or not. */
    long STREAM_TTL_SECONDS = 600;

    /** The entry's {@code type} field: {@code token}, {@code done} or {@code error}. */
    String type();

    /** The entry's {@code data} field. */
    byte[] toJson();

    /**
     * Which attempt at the request wrote this entry: {@value #FIRST_ATTEMPT} for the first worker that claimed it,
     * one more for each worker that took it over after the claim before it lapsed (a crashed or stalled worker). A
     * reader follows the highest attempt it has seen: a higher one voids the lower one's tokens (its own start again
     * at index 0), and entries of a lower one are a superseded worker's late writes, to be ignored. The JSON carries
     * {@code "attempt"} only from the second attempt on, so a first attempt's entries read as they always did.
     */
    int attempt();

    /** Whether this entry ends the stream (of its attempt). */
    default boolean isFinal() {
        return !(this instanceof Token);
    }

    static String streamKey(String requestId) {
        return STREAM_KEY_PREFIX + InferenceRequest.requireRequestId(requestId);
    }

    /**
     * Reads one stream entry from its two fields.
     *
     * @throws EventFormatException naming what is wrong
     */
    static InferenceResult fromEntry(String type, byte[] data) {
        if (type == null || data == null) {
            throw new EventFormatException("result entry without " + (type == null ? "a type" : "data"));
        }
        return switch (type) {
            case Token.TYPE -> Token.fromJson(data);
            case Done.TYPE -> Done.fromJson(data);
            case Failure.TYPE -> Failure.fromJson(data);
            default -> throw new EventFormatException("result entry has type \"" + type + "\"; expected \"token\", "
                    + "\"done\" or \"error\"");
        };
    }

    /** {@link #fromEntry(String, byte[])} for the string values a Redis client hands out. */
    static InferenceResult fromEntry(String type, String data) {
        return fromEntry(type, data == null ? null : data.getBytes(StandardCharsets.UTF_8));
    }

    private static void requireAttempt(int attempt) {
        if (attempt < FIRST_ATTEMPT) {
            throw new IllegalArgumentException("attempt must be >= " + FIRST_ATTEMPT + ", got " + attempt);
        }
    }

    /** An entry's JSON, opened with its attempt when that is not the first. */
    private static EventJson.Writer writer(int attempt) {
        EventJson.Writer out = new EventJson.Writer();
        return attempt == FIRST_ATTEMPT ? out : out.field("attempt", attempt);
    }

    private static int attemptOf(EventJson.Fields f) {
        if (f.object().get("attempt") == null) {
            return FIRST_ATTEMPT;
        }
        long attempt = f.integer("attempt");
        if (attempt < FIRST_ATTEMPT || attempt > Integer.MAX_VALUE) {
            throw new EventFormatException(f.what() + ": attempt " + attempt + " is out of range");
        }
        return (int) attempt;
    }

    /**
     * A piece of the answer as it is decoded: never empty, never a broken UTF-8 character; the pieces in index
     * order concatenate to {@link Done#answer()}.
     *
     * @param index 0 for the first piece of its attempt, then 1, 2, ...
     */
    record Token(int attempt, int index, String text) implements InferenceResult {

        public static final String TYPE = "token";

        public Token {
            requireAttempt(attempt);
            if (index < 0) {
                throw new IllegalArgumentException("token index must be >= 0, got " + index);
            }
            Objects.requireNonNull(text, "token text");
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public byte[] toJson() {
            return writer(attempt).field("index", index).field("text", text).toBytes();
        }

        static Token fromJson(byte[] json) {
            EventJson.Fields f = new EventJson.Fields(EventJson.parseObject(json, "token entry"), "token entry");
            long index = f.integer("index");
            if (index < 0 || index > Integer.MAX_VALUE) {
                throw new EventFormatException("token entry: index " + index + " is out of range");
            }
            return new Token(attemptOf(f), (int) index, f.string("text"));
        }
    }

    /**
     * Where the time went, in milliseconds, from the moment the worker picked the request up (except
     * {@code queueMs}, which ends there).
     *
     * @param queueMs from the request's {@code createdAtMs} to the worker picking it up
     * @param kvLoadMs reading stored chunk KV from the tiers and decoding it
     * @param recomputeMs computing KV: chunks no tier held, and the fusion's own recomputation (CacheBlend's picked
     *     tokens, FULL's whole prompt) with the question
     * @param ttftMs until the first answer token was sampled
     * @param decodeMs from the first token to the last, streaming included
     * @param totalMs until the {@code done} entry
     */
    record Timings(double queueMs, double kvLoadMs, double recomputeMs, double ttftMs, double decodeMs,
                   double totalMs) {

        public Timings {
            for (double v : new double[] {queueMs, kvLoadMs, recomputeMs, ttftMs, decodeMs, totalMs}) {
                if (!(v >= 0) || Double.isInfinite(v)) {
                    throw new IllegalArgumentException("timings must be finite and >= 0, got " + v);
                }
            }
        }

        EventJson.Writer json() {
            return new EventJson.Writer().field("queueMs", queueMs).field("kvLoadMs", kvLoadMs)
                    .field("recomputeMs", recomputeMs).field("ttftMs", ttftMs).field("decodeMs", decodeMs)
                    .field("totalMs", totalMs);
        }

        static Timings from(EventJson.Fields f) {
            return new Timings(f.decimal("queueMs"), f.decimal("kvLoadMs"), f.decimal("recomputeMs"),
                    f.decimal("ttftMs"), f.decimal("decodeMs"), f.decimal("totalMs"));
        }
    }

    /**
     * How the request used the chunk-KV store: one lookup per chunk whose KV the mode read.
     *
     * @param hitsByTier chunks found, by the tier that answered ({@link KvTier#wireName()}); every tier present
     * @param misses chunks no tier held (their KV was computed, and stored)
     * @param recomputeFraction the share of the context (prefix and chunks) whose KV was computed for this request
     */
    record CacheUse(Map<String, Long> hitsByTier, long misses, double recomputeFraction) {

        public CacheUse {
            Map<String, Long> copy = new LinkedHashMap<>(Objects.requireNonNull(hitsByTier, "hits by tier"));
            copy.forEach((tier, n) -> {
                if (n == null || n < 0) {
                    throw new IllegalArgumentException("hits of tier " + tier + " must be >= 0, got " + n);
                }
            });
            hitsByTier = Collections.unmodifiableMap(copy);
            if (misses < 0) {
                throw new IllegalArgumentException("misses must be >= 0, got " + misses);
            }
            if (!(recomputeFraction >= 0 && recomputeFraction <= 1)) {
                throw new IllegalArgumentException("recompute fraction must lie in [0, 1], got " + recomputeFraction);
            }
        }

        public long hits() {
            return hitsByTier.values().stream().mapToLong(Long::longValue).sum();
        }

        EventJson.Writer json() {
            EventJson.Writer tiers = new EventJson.Writer();
            hitsByTier.forEach((tier, n) -> tiers.field(tier, n.longValue()));
            return new EventJson.Writer().field("hitsByTier", tiers).field("misses", misses)
                    .field("recomputeFraction", recomputeFraction);
        }

        static CacheUse from(EventJson.Fields f) {
            return new CacheUse(f.longMap("hitsByTier"), f.integer("misses"), f.decimal("recomputeFraction"));
        }
    }

    /**
     * The answer is complete.
     *
     * @param finishReason {@code eos} (the model ended it), {@code stop} (a stop string), {@code length} (maxTokens)
     * @param mode the fusion plan that ran, as its spec
     * @param promptTokens prefix, chunks and question
     * @param completionTokens tokens sampled, the final EOS included
     * @param cachedTokens prompt tokens whose stored KV was used as loaded (not recomputed)
     */
    record Done(String requestId, int attempt, String answer, String finishReason, String mode, int promptTokens,
                int completionTokens, int cachedTokens, Timings timings, CacheUse cache) implements InferenceResult {

        public static final String TYPE = "done";
        public static final List<String> FINISH_REASONS = List.of("eos", "stop", "length");

        public Done {
            InferenceRequest.requireRequestId(requestId);
            requireAttempt(attempt);
            Objects.requireNonNull(answer, "answer");
            if (!FINISH_REASONS.contains(finishReason)) {
                throw new IllegalArgumentException("finish reason '" + finishReason + "' is not one of "
                        + FINISH_REASONS);
            }
            if (mode == null || mode.isBlank()) {
                throw new IllegalArgumentException("a done entry names the mode that ran");
            }
            if (promptTokens < 0 || completionTokens < 0 || cachedTokens < 0 || cachedTokens > promptTokens) {
                throw new IllegalArgumentException("token counts out of range: prompt " + promptTokens + ", completion "
                        + completionTokens + ", cached " + cachedTokens);
            }
            Objects.requireNonNull(timings, "timings");
            Objects.requireNonNull(cache, "cache");
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public byte[] toJson() {
            return writer(attempt).field("requestId", requestId).field("answer", answer)
                    .field("finishReason", finishReason).field("mode", mode).field("promptTokens", promptTokens)
                    .field("completionTokens", completionTokens).field("cachedTokens", cachedTokens)
                    .field("timings", timings.json()).field("cache", cache.json()).toBytes();
        }

        public static Done fromJson(byte[] json) {
            EventJson.Fields f = new EventJson.Fields(EventJson.parseObject(json, "done entry"), "done entry");
            try {
                return new Done(f.string("requestId"), attemptOf(f), f.string("answer"), f.string("finishReason"),
                        f.string("mode"), count(f, "promptTokens"), count(f, "completionTokens"),
                        count(f, "cachedTokens"), Timings.from(f.object("timings")), CacheUse.from(f.object("cache")));
            } catch (EventFormatException e) {
                throw e;
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new EventFormatException("done entry: " + e.getMessage());
            }
        }

        private static int count(EventJson.Fields f, String name) {
            long v = f.integer(name);
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw new EventFormatException("done entry: " + name + " " + v + " is out of range");
            }
            return (int) v;
        }
    }

    /**
     * The request was not answered: an RFC 9457 problem's status, title and detail, which the gateway passes on.
     * 4xx: the request itself is at fault (unreadable, unknown mode, another model's tokenizer, ...); 5xx: the
     * worker failed.
     */
    record Failure(int attempt, int status, String title, String detail) implements InferenceResult {

        public static final String TYPE = "error";

        public Failure {
            requireAttempt(attempt);
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("an error entry has a 4xx or 5xx status, got " + status);
            }
            if (title == null || title.isBlank()) {
                throw new IllegalArgumentException("an error entry has a title");
            }
            Objects.requireNonNull(detail, "detail");
        }

        public boolean isClientError() {
            return status < 500;
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public byte[] toJson() {
            return writer(attempt).field("status", status).field("title", title).field("detail", detail).toBytes();
        }

        static Failure fromJson(byte[] json) {
            EventJson.Fields f = new EventJson.Fields(EventJson.parseObject(json, "error entry"), "error entry");
            long status = f.integer("status");
            try {
                int clamped = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, status));
                return new Failure(attemptOf(f), clamped, f.string("title"), f.string("detail"));
            } catch (IllegalArgumentException e) {
                throw new EventFormatException("error entry: " + e.getMessage());
            }
        }
    }
}
