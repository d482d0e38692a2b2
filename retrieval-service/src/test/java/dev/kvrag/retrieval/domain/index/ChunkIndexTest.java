package dev.kvrag.retrieval.domain.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvrag.common.events.ChunkEvent;
import dev.kvrag.retrieval.testing.CountingEmbedder;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The index with the real embedding model on a tiny corpus. */
class ChunkIndexTest {

    private static CountingEmbedder embedder;
    private ChunkIndex index;
    private Retriever retriever;

    @BeforeAll
    static void model() {
        embedder = CountingEmbedder.overRealModel();
    }

    @BeforeEach
    void corpus() {
        index = ChunkIndex.inMemory(embedder.dimensions());
        put("oslo", 0, "The Fjordline ferry company moved its headquarters to Oslo in 2019.");
        put("oslo", 1, "It now runs twelve vessels between Norway and Denmark.");
        put("bakery", 0, "The Crumb & Co bakery bakes sourdough bread every morning at four.");
        put("bakery", 1, "Its rye loaf won the regional baking prize in 2021.");
        put("volcano", 0, "Mount Kelvar erupted in 1883, covering the valley in ash for three weeks.");
        put("volcano", 1, "Geologists still measure its magma chamber with seismic sensors.");
        index.refresh();
        retriever = new Retriever(index, embedder);
    }

    @AfterEach
    void close() {
        index.close();
    }

    @Test
    void bm25FindsTheChunkWithTheQueryWordsStemmed() {
        List<SearchHit> hits = search("which company moves headquarters", 3, SearchMode.BM25);
        assertThat(hits.getFirst().chunkId()).isEqualTo("oslo#0");
        assertThat(hits).extracting(SearchHit::chunkId).doesNotContain("volcano#1");
    }

    @Test
    void vectorSearchFindsTheChunkByMeaningWithoutSharedWords() {
        List<SearchHit> hits = search("bread shop pastries", 2, SearchMode.VECTOR);
        assertThat(hits.getFirst().documentId()).isEqualTo("bakery");
        assertThat(hits.getFirst().score()).isBetween(0.5, 1.0);
        assertThat(search("volcanic eruption", 1, SearchMode.VECTOR).getFirst().chunkId()).isEqualTo("volcano#0");
    }

    @Test
    void hybridRanksAChunkBothRankingsAgreeOnFirst() {
        List<SearchHit> hits = search("When did Mount Kelvar erupt?", 4, SearchMode.HYBRID);
        assertThat(hits.getFirst().chunkId()).isEqualTo("volcano#0");
        assertThat(hits.getFirst().score()).isEqualTo(2.0 / 61);
        assertThat(hits).hasSize(4).extracting(SearchHit::score).isSortedAccordingTo((a, b) -> Double.compare(b, a));
    }

    @Test
    void hybridStillAnswersAQueryOfStopWordsOnly() {
        assertThat(search("the of and", 3, SearchMode.BM25)).isEmpty();
        assertThat(search("the of and", 3, SearchMode.HYBRID)).hasSize(3);
    }

    @Test
    void aHitCarriesTheChunksTextOrdinalAndTokenIds() {
        SearchHit hit = search("rye loaf prize", 1, SearchMode.BM25).getFirst();
        assertThat(hit.chunkId()).isEqualTo("bakery#1");
        assertThat(hit.ordinal()).isEqualTo(1);
        assertThat(hit.text()).isEqualTo("Its rye loaf won the regional baking prize in 2021.");
        assertThat(hit.tokenIds()).containsExactly(tokenIds("bakery", 1));
    }

    @Test
    void aFilterOnDocumentIdsRanksOnlyTheirChunks() {
        List<SearchHit> hits = index.search(new SearchQuery("ferry headquarters", 5, Set.of("bakery", "volcano"),
                SearchMode.HYBRID), embedder.embed("ferry headquarters"));
        assertThat(hits).hasSize(4).extracting(SearchHit::documentId).containsOnly("bakery", "volcano");
    }

    @Test
    void aTombstoneRemovesTheChunkAndAPutReplacesIt() {
        index.delete("oslo#0");
        put("bakery", 1, "Its rye loaf was sold to a ferry company.");
        index.refresh();
        assertThat(search("headquarters", 5, SearchMode.BM25)).isEmpty();
        assertThat(search("rye ferry", 5, SearchMode.BM25)).extracting(SearchHit::chunkId).first().isEqualTo("bakery#1");
        assertThat(search("regional baking prize", 5, SearchMode.BM25)).extracting(SearchHit::chunkId)
                .doesNotContain("bakery#1");
        assertThat(index.size()).isEqualTo(5);
        assertThat(index.chunkIds("oslo")).containsExactly("oslo#1");
    }

    @Test
    void writesAreInvisibleUntilRefresh() {
        put("late", 0, "A quiet lighthouse keeper counts the passing ships.");
        assertThat(index.chunkIds("late")).isEmpty();
        index.refresh();
        assertThat(index.chunkIds("late")).containsExactly("late#0");
    }

    @Test
    void aDocumentsChunkIdsComeInOrdinalOrder() {
        for (int i = 11; i >= 0; i--) {
            put("long", i, "Sentence number " + i + " of a long document.");
        }
        index.refresh();
        assertThat(index.chunkIds("long")).containsExactly("long#0", "long#1", "long#2", "long#3", "long#4", "long#5",
                "long#6", "long#7", "long#8", "long#9", "long#10", "long#11");
        assertThat(index.chunkIds("nothing")).isEmpty();
    }

    @Test
    void vectorsOfTheWrongSizeAreRefused() {
        ChunkEvent chunk = chunk("x", 0, "Text.", new float[] {1, 0});
        assertThatThrownBy(() -> index.put(chunk, new float[] {1, 0}))
                .hasMessage("chunk x#0 has a 2-d embedding; this index holds 384-d vectors");
    }

    private List<SearchHit> search(String query, int k, SearchMode mode) {
        return retriever.search(new SearchQuery(query, k, Set.of(), mode));
    }

    private void put(String doc, int ordinal, String text) {
        float[] vector = embedder.embed(text);
        index.put(chunk(doc, ordinal, text, vector), vector);
    }

    private static ChunkEvent chunk(String doc, int ordinal, String text, float[] vector) {
        return new ChunkEvent(doc + "#" + ordinal, doc, ordinal, text, tokenIds(doc, ordinal), "test-model",
                "sha256:0000000000000000", "sentences-v1/256/0", embedder.modelId(), vector);
    }

    private static int[] tokenIds(String doc, int ordinal) {
        return new int[] {doc.length(), ordinal, 151_643};
    }
}
