package dev.kvrag.common.events;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A question ready for an inference worker, on {@link Topics#INFERENCE_REQUESTS}: the gateway retrieved the chunks,
 * a worker answers over them. The Kafka key is {@link #affinityKey()} (the first chunk id in prompt order), so
 * requests over the same chunks tend to reach the same worker, whose local KV tier then hits. Results go to the Redis
 * stream {@link InferenceResult#streamKey(String)} of {@code requestId}.
 *
 * <p>Chunk {@code i} is {@code chunkIds[i]} of document {@code documentIds[i]} (one document id per chunk, so the
 * three lists have one entry per chunk, in the gateway's rank order); {@code chunkTokenIds[i]} are its prompt-segment
 * ids exactly as {@link ChunkEvent#tokenIds()} carries them. The worker orders the chunks for the prompt itself
 * (chunks of one document together and in document order).
 *
 * <p>JSON, {@code schemaVersion} 1 ({@code mode} may be absent or null: the worker's default mode):
 * <pre>
 * {"schemaVersion":1,"requestId":"0b6f…","createdAtMs":1763900000000,"deadlineMs":1763900030000,
 *  "modelId":"demo","tokenizerId":"sha256:…","question":"Which team owns nago-feed?",
 *  "chunkIds":["d1#0","d7#2"],"documentIds":["d1","d7"],"chunkTokenIds":[[…],[…]],
 *  "mode":"cacheblend:ratio=0.15,check_layer=1","maxTokens":64,"temperature":0.0,"seed":0,"stream":true}
 * </pre>
 * Readers ignore fields they do not know and refuse a newer {@code schemaVersion}.
 *
 * @param requestId names the result stream and the idempotency claim: 1 to 128 letters, digits, {@code . _ -},
 *     starting with a letter or digit (a UUID)
 * @param deadlineMs when the gateway stops waiting (epoch ms); a worker that picks the request up later skips it
 * @param mode a fusion plan spec ({@code FusionPlan.parse}), or null for the worker's default
 * @param temperature 0 for greedy decoding
 * @param stream whether the caller streams tokens; the worker always writes token entries, the gateway decides
 */
public record InferenceRequest(String requestId, long createdAtMs, long deadlineMs, String modelId,
                               String tokenizerId, String question, List<String> chunkIds, List<String> documentIds,
                               int[][] chunkTokenIds, String mode, int maxTokens, double temperature, long seed,
                               boolean stream) {

    public static final int SCHEMA_VERSION = 1;

    public static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public InferenceRequest {
        requireRequestId(requestId);
        if (createdAtMs < 0 || deadlineMs < createdAtMs) {
            throw new IllegalArgumentException("request " + requestId + ": deadline " + deadlineMs
                    + " ms is before its creation " + createdAtMs + " ms");
        }
        nonBlank(modelId, "model id", requestId);
        nonBlank(tokenizerId, "tokenizer id", requestId);
        Objects.requireNonNull(question, "question");
        if (question.isBlank()) {
            throw new IllegalArgumentException("request " + requestId + ": the question is blank");
        }
        chunkIds = List.copyOf(Objects.requireNonNull(chunkIds, "chunk ids"));
        documentIds = List.copyOf(Objects.requireNonNull(documentIds, "document ids"));
        Objects.requireNonNull(chunkTokenIds, "chunk token ids");
        if (documentIds.size() != chunkIds.size() || chunkTokenIds.length != chunkIds.size()) {
            throw new IllegalArgumentException("request " + requestId + ": " + chunkIds.size() + " chunk ids, "
                    + documentIds.size() + " document ids and " + chunkTokenIds.length
                    + " token id lists; each chunk needs one of each");
        }
        int[][] copy = new int[chunkTokenIds.length][];
        for (int i = 0; i < copy.length; i++) {
            String chunkId = chunkIds.get(i);
            ChunkId parsed = ChunkId.parse(chunkId);
            if (!parsed.documentId().equals(documentIds.get(i))) {
                throw new IllegalArgumentException("request " + requestId + ": chunk " + chunkId + " is listed under "
                        + "document '" + documentIds.get(i) + "', its id says '" + parsed.documentId() + "'");
            }
            int[] ids = Objects.requireNonNull(chunkTokenIds[i], "token ids of chunk " + chunkId);
            if (ids.length == 0) {
                throw new IllegalArgumentException("request " + requestId + ": chunk " + chunkId + " has no token ids");
            }
            for (int t : ids) {
                if (t < 0) {
                    throw new IllegalArgumentException("request " + requestId + ": chunk " + chunkId
                            + " has a negative token id " + t);
                }
            }
            copy[i] = ids.clone();
        }
        chunkTokenIds = copy;
        if (mode != null && mode.isBlank()) {
            throw new IllegalArgumentException("request " + requestId + ": the mode is blank (leave it out for the "
                    + "worker's default)");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("request " + requestId + ": maxTokens must be at least 1, got "
                    + maxTokens);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("request " + requestId + ": temperature must be a finite number >= 0, "
                    + "got " + temperature);
        }
    }

    /** @return the id, or an {@link IllegalArgumentException} saying what a request id may be */
    public static String requireRequestId(String requestId) {
        if (requestId == null || !REQUEST_ID.matcher(requestId).matches()) {
            throw new IllegalArgumentException("request id " + (requestId == null ? "is missing" : "'" + requestId
                    + "' is invalid") + ": use 1 to 128 letters, digits or . _ -, starting with a letter or digit");
        }
        return requestId;
    }

    public int chunkCount() {
        return chunkIds.size();
    }

    /** A copy of chunk {@code i}'s token ids. */
    public int[] chunkTokenIds(int i) {
        return chunkTokenIds[i].clone();
    }

    /** A copy: the record's arrays are never handed out. */
    @Override
    public int[][] chunkTokenIds() {
        int[][] copy = new int[chunkTokenIds.length][];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = chunkTokenIds[i].clone();
        }
        return copy;
    }

    /**
     * The Kafka key: the chunk that opens the prompt (the document of the best-ranked chunk comes first, and its
     * lowest ordinal opens it), or the request id when there are no chunks.
     */
    public String affinityKey() {
        if (chunkIds.isEmpty()) {
            return requestId;
        }
        String first = documentIds.getFirst();
        String key = null;
        int lowest = Integer.MAX_VALUE;
        for (String chunkId : chunkIds) {
            ChunkId id = ChunkId.parse(chunkId);
            if (id.documentId().equals(first) && id.ordinal() < lowest) {
                lowest = id.ordinal();
                key = chunkId;
            }
        }
        return key;
    }

    public byte[] toJson() {
        EventJson.Writer w = new EventJson.Writer().field("schemaVersion", SCHEMA_VERSION).field("requestId", requestId)
                .field("createdAtMs", createdAtMs).field("deadlineMs", deadlineMs).field("modelId", modelId)
                .field("tokenizerId", tokenizerId).field("question", question).field("chunkIds", chunkIds)
                .field("documentIds", documentIds).field("chunkTokenIds", chunkTokenIds);
        if (mode != null) {
            w.field("mode", mode);
        }
        return w.field("maxTokens", maxTokens).field("temperature", temperature).field("seed", seed)
                .field("stream", stream).toBytes();
    }

    /**
     * Reads one record value.
     *
     * @throws EventFormatException naming what is wrong: not JSON, a missing or mistyped field, a newer schema
     *     version, an invalid value
     */
    public static InferenceRequest fromJson(byte[] json) {
        if (json == null) {
            throw new EventFormatException("inference request has no value");
        }
        EventJson.Fields f = new EventJson.Fields(EventJson.parseObject(json, "inference request"),
                "inference request");
        f.schemaVersion(SCHEMA_VERSION);
        long maxTokens = f.integer("maxTokens");
        if (maxTokens < 1 || maxTokens > Integer.MAX_VALUE) {
            throw new EventFormatException("inference request: maxTokens " + maxTokens + " is out of range");
        }
        try {
            return new InferenceRequest(f.string("requestId"), f.integer("createdAtMs"), f.integer("deadlineMs"),
                    f.string("modelId"), f.string("tokenizerId"), f.string("question"), f.strings("chunkIds"),
                    f.strings("documentIds"), f.intArrays("chunkTokenIds"), f.optionalString("mode"),
                    (int) maxTokens, f.decimal("temperature"), f.integer("seed"), f.bool("stream"));
        } catch (EventFormatException e) {
            throw e;
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new EventFormatException("inference request: " + e.getMessage());
        }
    }

    /**
     * The request id of a value that is a JSON object with a valid {@code requestId}, even when the rest of it
     * cannot be read: a worker answers an unreadable request on its result stream when it can address one.
     */
    public static Optional<String> requestIdOf(byte[] json) {
        if (json == null) {
            return Optional.empty();
        }
        try {
            Map<String, Object> object = EventJson.parseObject(json, "inference request");
            if (object.get("requestId") instanceof String id && REQUEST_ID.matcher(id).matches()) {
                return Optional.of(id);
            }
        } catch (EventFormatException e) {
            // not JSON at all: there is no stream to answer on
        }
        return Optional.empty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InferenceRequest r && createdAtMs == r.createdAtMs && deadlineMs == r.deadlineMs
                && maxTokens == r.maxTokens && Double.compare(temperature, r.temperature) == 0 && seed == r.seed
                && stream == r.stream && requestId.equals(r.requestId) && modelId.equals(r.modelId)
                && tokenizerId.equals(r.tokenizerId) && question.equals(r.question) && chunkIds.equals(r.chunkIds)
                && documentIds.equals(r.documentIds) && Arrays.deepEquals(chunkTokenIds, r.chunkTokenIds)
                && Objects.equals(mode, r.mode);
    }

    @Override
    public int hashCode() {
        return Objects.hash(requestId, createdAtMs, deadlineMs, modelId, tokenizerId, question, chunkIds, documentIds,
                Arrays.deepHashCode(chunkTokenIds), mode, maxTokens, temperature, seed, stream);
    }

    @Override
    public String toString() {
        List<String> sizes = new ArrayList<>(chunkTokenIds.length);
        for (int i = 0; i < chunkTokenIds.length; i++) {
            sizes.add(chunkIds.get(i) + "=" + chunkTokenIds[i].length);
        }
        return "InferenceRequest[" + requestId + ", model " + modelId + ", tokenizer " + tokenizerId + ", chunks "
                + sizes + ", mode " + (mode == null ? "default" : mode) + ", maxTokens " + maxTokens + ", temperature "
                + temperature + "]";
    }

    private static void nonBlank(String value, String what, String requestId) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("request " + requestId + " has no " + what);
        }
    }
}
