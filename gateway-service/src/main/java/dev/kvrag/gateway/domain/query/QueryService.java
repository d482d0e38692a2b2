package dev.kvrag.gateway.domain.query;

import dev.kvrag.common.events.InferenceRequest;
import dev.kvrag.common.events.InferenceResult;
import dev.kvrag.gateway.domain.ChunkHit;
import dev.kvrag.gateway.domain.Problem;
import dev.kvrag.gateway.domain.Retrieval;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A question answered: retrieve the top-k chunks, hand them with the question to a worker, wait for the answer
 * (passing tokens on as they stream), and report where the time went.
 */
public final class QueryService {

    private static final double NANOS_PER_MS = 1e6;

    private final Retrieval retrieval;
    private final Inference inference;
    private final String modelId;
    private final String tokenizerId;
    private final Duration timeout;
    private final int snippetChars;
    private final Consumer<Answer> answered;

    /**
     * @param timeout how long an answer may take; the request's deadline
     * @param snippetChars how much of a source's text a response shows
     * @param answered told of every answer (metrics)
     */
    public QueryService(Retrieval retrieval, Inference inference, String modelId, String tokenizerId,
                        Duration timeout, int snippetChars, Consumer<Answer> answered) {
        this.retrieval = retrieval;
        this.inference = inference;
        this.modelId = modelId;
        this.tokenizerId = tokenizerId;
        this.timeout = timeout;
        this.snippetChars = snippetChars;
        this.answered = answered;
    }

    public String modelId() {
        return modelId;
    }

    /**
     * Retrieves the question's chunks; separate from {@link #answer} so that a streaming response can refuse with
     * a plain status before its first event.
     *
     * @throws Problem 503 when inference is unavailable (before any retrieval work), 404 when {@code documentIds}
     *     name unknown documents, 422 when nothing is indexed
     */
    public Retrieved retrieve(Question question) {
        inference.ensureAvailable();
        long start = System.nanoTime();
        List<ChunkHit> hits = retrieval.search(question.text(), question.k(), question.documentIds());
        long end = System.nanoTime();
        if (hits.isEmpty()) {
            throw noSources(question);
        }
        return new Retrieved(UUID.randomUUID().toString(), question, hits, start, end);
    }

    /**
     * Asks a worker and waits for the whole answer.
     *
     * @param onPartial each piece, in order, as the worker streams it, and a restart when another worker took the
     *     request over part-way (the answer returned is the one that finished)
     */
    public Answer answer(Retrieved retrieved, Consumer<PartialAnswer> onPartial) {
        Question question = retrieved.question();
        List<ChunkHit> hits = retrieved.hits();
        long now = System.currentTimeMillis();
        String requestId = retrieved.requestId();
        // Chunks go in rank order; the worker puts them in prompt order (ChunkOrder.byDocument).
        InferenceRequest request = new InferenceRequest(requestId, now, now + timeout.toMillis(), modelId,
                tokenizerId, question.text(), hits.stream().map(ChunkHit::chunkId).toList(),
                hits.stream().map(ChunkHit::documentId).toList(), hits.stream().map(ChunkHit::tokenIds)
                .toArray(int[][]::new), question.mode(), question.maxTokens(), question.temperature(),
                question.seed(), question.stream());
        long[] firstToken = {0};
        InferenceResult.Done done = inference.run(request, partial -> {
            switch (partial) {
                case PartialAnswer.Piece piece -> {
                    if (firstToken[0] == 0) {
                        firstToken[0] = System.nanoTime();
                    }
                }
                // The timings describe the answer the caller got: its first token is the restarted attempt's.
                case PartialAnswer.Restart restart -> firstToken[0] = 0;
            }
            onPartial.accept(partial);
        });
        long end = System.nanoTime();

        InferenceResult.Timings worker = done.timings();
        double totalMs = (end - retrieved.startNanos()) / NANOS_PER_MS;
        // Without a token entry (an empty answer) the first token is known only from the worker's clock.
        double firstTokenMs = firstToken[0] != 0 ? (firstToken[0] - retrieved.startNanos()) / NANOS_PER_MS
                : Math.max(0, totalMs - (worker.totalMs() - worker.ttftMs()));
        Timings timings = new Timings((retrieved.endNanos() - retrieved.startNanos()) / NANOS_PER_MS,
                worker.queueMs(), worker.kvLoadMs(), worker.recomputeMs(), worker.ttftMs(), worker.decodeMs(),
                firstTokenMs, totalMs, Math.max(0, totalMs - worker.totalMs()));
        Answer answer = new Answer(requestId, done.answer(), done.finishReason(), done.mode(), question.modeName(),
                sources(hits), timings, done.cache(),
                new Usage(done.promptTokens(), done.completionTokens(), done.cachedTokens()));
        answered.accept(answer);
        return answer;
    }

    /** Both steps, for callers that do not stream. */
    public Answer answer(Question question) {
        return answer(retrieve(question), partial -> { });
    }

    private Problem noSources(Question question) {
        if (!question.documentIds().isEmpty()) {
            List<String> unknown = new ArrayList<>();
            for (String id : question.documentIds()) {
                if (retrieval.document(id).isEmpty()) {
                    unknown.add(id);
                }
            }
            if (!unknown.isEmpty()) {
                return new Problem(404, "unknown-document", "Unknown document", "documentIds name "
                        + (unknown.size() == 1 ? "a document" : unknown.size() + " documents")
                        + " the index does not hold (never ingested, deleted, or not chunked yet): "
                        + String.join(", ", unknown), null);
            }
        }
        return new Problem(422, "no-sources", "Nothing to answer from", "retrieval found no chunk for this question:"
                + " the index is empty (ingest documents with POST /v1/documents; chunking takes a moment)", null);
    }

    private List<Source> sources(List<ChunkHit> hits) {
        return hits.stream().map(h -> new Source(h.documentId(), h.chunkId(), snippet(h.text()), h.score())).toList();
    }

    /** The text's first {@code snippetChars} characters, cut at a word boundary when one is near. */
    String snippet(String text) {
        String t = text.strip();
        if (t.length() <= snippetChars) {
            return t;
        }
        int cut = snippetChars;
        int space = t.lastIndexOf(' ', cut);
        if (space > snippetChars * 3 / 4) {
            cut = space;
        }
        if (Character.isLowSurrogate(t.charAt(cut))) {
            cut--;
        }
        return t.substring(0, cut).stripTrailing() + "…";
    }

    /**
     * A question with its retrieved chunks (best first) and when retrieval started and ended ({@code nanoTime}).
     *
     * @param requestId the id its inference request will have, known before the answer (a stream's first event)
     */
    public record Retrieved(String requestId, Question question, List<ChunkHit> hits, long startNanos,
                            long endNanos) {

        public Retrieved {
            hits = List.copyOf(hits);
        }
    }
}
