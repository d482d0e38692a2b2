package dev.kvrag.gateway.domain.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvrag.common.events.InferenceRequest;
import dev.kvrag.common.events.InferenceResult;
import dev.kvrag.gateway.domain.ChunkHit;
import dev.kvrag.gateway.domain.IndexedDocument;
import dev.kvrag.gateway.domain.Problem;
import dev.kvrag.gateway.domain.Retrieval;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The orchestration alone, over an in-memory index and a worker that answers in the calling thread. */
class QueryServiceTest {

    private static final List<ChunkHit> HITS = List.of(
            new ChunkHit("d7#2", "d7", 2, 0.9, "The team behind nago-feed moved to Oslo in 2019.", new int[] {5, 6}),
            new ChunkHit("d1#1", "d1", 1, 0.7, "It was founded in Bergen.", new int[] {7}),
            new ChunkHit("d1#0", "d1", 0, 0.5, "Nago-feed is a feed service.", new int[] {8, 9, 10}));

    private final List<InferenceRequest> sent = new ArrayList<>();
    private final List<Answer> answered = new ArrayList<>();
    private final AtomicInteger searches = new AtomicInteger();

    private final Retrieval index = new Retrieval() {
        @Override
        public List<ChunkHit> search(String query, int k, List<String> documentIds) {
            searches.incrementAndGet();
            return HITS.stream().filter(h -> documentIds.isEmpty() || documentIds.contains(h.documentId()))
                    .limit(k).toList();
        }

        @Override
        public Optional<IndexedDocument> document(String documentId) {
            List<String> chunks = HITS.stream().filter(h -> h.documentId().equals(documentId))
                    .map(ChunkHit::chunkId).toList();
            return chunks.isEmpty() ? Optional.empty() : Optional.of(new IndexedDocument(documentId, chunks));
        }
    };

    private final Inference worker = new Inference() {
        @Override
        public void ensureAvailable() {
        }

        @Override
        public InferenceResult.Done run(InferenceRequest request, Consumer<PartialAnswer> onPartial) {
            sent.add(request);
            onPartial.accept(new PartialAnswer.Piece(0, " Oslo"));
            return new InferenceResult.Done(request.requestId(), 1, " Oslo", "eos", request.mode(), 40, 2, 30,
                    new InferenceResult.Timings(1, 2, 3, 4, 5, 9),
                    new InferenceResult.CacheUse(Map.of("local", 2L, "redis", 0L), 1, 0.25));
        }
    };

    private final QueryService service = new QueryService(index, worker, "demo", "sha256:abc", Duration.ofSeconds(30),
            24, answered::add);

    private static Question question(List<String> documentIds) {
        return new Question("Where is the nago-feed team?", 6, "cacheblend:ratio=0.15", 16, documentIds, 0, 7, true);
    }

    @Test
    void theRequestCarriesTheChunksInRankOrderWithTheirTokenIdsAndTheServedModel() {
        Answer answer = service.answer(question(List.of()));
        InferenceRequest request = sent.getFirst();
        assertThat(request.requestId()).isEqualTo(answer.requestId());
        assertThat(request.chunkIds()).containsExactly("d7#2", "d1#1", "d1#0");
        assertThat(request.documentIds()).containsExactly("d7", "d1", "d1");
        assertThat(request.chunkTokenIds()).isDeepEqualTo(new int[][] {{5, 6}, {7}, {8, 9, 10}});
        assertThat(request.modelId()).isEqualTo("demo");
        assertThat(request.tokenizerId()).isEqualTo("sha256:abc");
        assertThat(request.mode()).isEqualTo("cacheblend:ratio=0.15");
        assertThat(request.maxTokens()).isEqualTo(16);
        assertThat(request.seed()).isEqualTo(7);
        assertThat(request.deadlineMs() - request.createdAtMs()).isEqualTo(30_000);
        // The worker orders chunks for the prompt; the key is the first in that order: d7's only chunk.
        assertThat(request.affinityKey()).isEqualTo("d7#2");
    }

    @Test
    void theAnswerHasTheSourcesBestFirstAndTheWorkersReport() {
        Answer answer = service.answer(question(List.of()));
        assertThat(answer.text()).isEqualTo(" Oslo");
        assertThat(answer.sources()).extracting(Source::chunkId).containsExactly("d7#2", "d1#1", "d1#0");
        assertThat(answer.sources().getFirst().score()).isEqualTo(0.9);
        assertThat(answer.cache().hitsByTier()).containsEntry("local", 2L);
        assertThat(answer.cache().misses()).isEqualTo(1);
        assertThat(answer.usage()).isEqualTo(new Usage(40, 2, 30));
        assertThat(answer.modeName()).isEqualTo("cacheblend");
        assertThat(answered).containsExactly(answer);
    }

    @Test
    void overheadIsTheGatewaysTotalLessTheWorkersOwnTime() {
        Timings t = service.answer(question(List.of())).timings();
        assertThat(t.ttftMs()).isEqualTo(4);
        assertThat(t.kvLoadMs()).isEqualTo(2);
        assertThat(t.recomputeMs()).isEqualTo(3);
        assertThat(t.totalMs()).isGreaterThanOrEqualTo(t.retrievalMs());
        assertThat(t.overheadMs()).isEqualTo(Math.max(0, t.totalMs() - 9));
        assertThat(t.firstTokenMs()).isBetween(t.retrievalMs(), t.totalMs());
    }

    @Test
    void aRestartIsPassedOnInItsPlaceAndTheAnswerIsTheRestartedAttempts() {
        Inference takenOver = new Inference() {
            @Override
            public void ensureAvailable() {
            }

            @Override
            public InferenceResult.Done run(InferenceRequest request, Consumer<PartialAnswer> onPartial) {
                onPartial.accept(new PartialAnswer.Piece(0, " Ber"));
                onPartial.accept(new PartialAnswer.Restart(2, 1));
                onPartial.accept(new PartialAnswer.Piece(0, " Oslo"));
                return new InferenceResult.Done(request.requestId(), 2, " Oslo", "eos", request.mode(), 40, 2, 30,
                        new InferenceResult.Timings(1, 2, 3, 4, 5, 9),
                        new InferenceResult.CacheUse(Map.of("local", 2L, "redis", 0L), 1, 0.25));
            }
        };
        QueryService service = new QueryService(index, takenOver, "demo", "t", Duration.ofSeconds(30), 24, a -> { });
        List<PartialAnswer> heard = new ArrayList<>();
        Answer answer = service.answer(service.retrieve(question(List.of())), heard::add);
        assertThat(heard).containsExactly(new PartialAnswer.Piece(0, " Ber"), new PartialAnswer.Restart(2, 1),
                new PartialAnswer.Piece(0, " Oslo"));
        assertThat(answer.text()).isEqualTo(" Oslo");
        assertThat(answer.timings().firstTokenMs()).isBetween(answer.timings().retrievalMs(),
                answer.timings().totalMs());
    }

    @Test
    void snippetsAreCutAtAWordBoundaryWhenOneIsNearTheLimit() {
        assertThat(service.snippet("The team that owned feeds moved to Oslo in 2019."))
                .isEqualTo("The team that owned…");
        assertThat(service.snippet("Supercalifragilisticexpialidocious words"))
                .isEqualTo("Supercalifragilisticexpi…");
        assertThat(service.snippet("  short  ")).isEqualTo("short");
    }

    @Test
    void documentIdsTheIndexLacksAreA404NamingThem() {
        assertThatThrownBy(() -> service.retrieve(question(List.of("d9", "d8"))))
                .isInstanceOfSatisfying(Problem.class, p -> {
                    assertThat(p.status()).isEqualTo(404);
                    assertThat(p.getMessage()).endsWith("d9, d8");
                });
        assertThat(sent).isEmpty();
    }

    @Test
    void anEmptyIndexIsA422ThatSaysToIngestFirst() {
        Retrieval empty = new Retrieval() {
            @Override
            public List<ChunkHit> search(String query, int k, List<String> documentIds) {
                return List.of();
            }

            @Override
            public Optional<IndexedDocument> document(String documentId) {
                return Optional.empty();
            }
        };
        QueryService nothing = new QueryService(empty, worker, "demo", "t", Duration.ofSeconds(1), 10, a -> { });
        assertThatThrownBy(() -> nothing.retrieve(question(List.of())))
                .isInstanceOfSatisfying(Problem.class, p -> {
                    assertThat(p.status()).isEqualTo(422);
                    assertThat(p.getMessage()).contains("POST /v1/documents");
                });
    }

    @Test
    void anUnavailableWorkerPoolIsRefusedBeforeAnyRetrievalWork() {
        Inference down = new Inference() {
            @Override
            public void ensureAvailable() {
                throw Problem.unavailable("inference-unavailable", "down", "circuit open", Duration.ofSeconds(3));
            }

            @Override
            public InferenceResult.Done run(InferenceRequest r, Consumer<PartialAnswer> p) {
                throw new AssertionError("not called");
            }
        };
        QueryService service = new QueryService(index, down, "demo", "t", Duration.ofSeconds(1), 10, a -> { });
        assertThatThrownBy(() -> service.answer(question(List.of()))).isInstanceOf(Problem.class);
        assertThat(searches).hasValue(0);
    }
}
