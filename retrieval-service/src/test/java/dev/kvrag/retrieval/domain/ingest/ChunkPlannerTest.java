package dev.kvrag.retrieval.domain.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvrag.common.events.ChunkEvent;
import dev.kvrag.common.events.DocumentEvent;
import dev.kvrag.engine.prompt.PromptEncoder;
import dev.kvrag.engine.prompt.PromptLayout;
import dev.kvrag.engine.tokenizer.Tokenizer;
import dev.kvrag.retrieval.domain.chunking.Chunk;
import dev.kvrag.retrieval.domain.chunking.Chunker;
import dev.kvrag.retrieval.domain.chunking.ChunkingPolicy;
import dev.kvrag.retrieval.testing.CountingEmbedder;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ChunkPlannerTest {

    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    private static Chunker chunker;

    @BeforeAll
    static void qwen3() {
        Tokenizer tokenizer = Tokenizer.load(Path.of("../models/tokenizers/qwen3"));
        chunker = new Chunker(new PromptEncoder(tokenizer::encode, tokenizer.bosId(), OptionalInt.empty()),
                PromptLayout.DEFAULT, new ChunkingPolicy(32, 0));
    }

    @Test
    void anUpsertPublishesEveryChunkWithItsIdsModelTokenizerVersionAndEmbedding() {
        CountingEmbedder embedder = CountingEmbedder.overRealModel();
        ChunkPlanner planner = new ChunkPlanner(chunker, embedder, "qwen3", "sha256:1111111111111111");
        String text = "The harbour opened in 1901. Ships came from every port on the coast. "
                + "A lighthouse was built on the northern cliff. Its lamp burned whale oil until 1950.";
        ChunkChanges changes = planner.plan(upsert("port", text), List.of());

        List<Chunk> expected = chunker.chunk(text);
        assertThat(expected).hasSizeGreaterThan(1);
        assertThat(changes.documentId()).isEqualTo("port");
        assertThat(changes.tombstones()).isEmpty();
        assertThat(changes.chunks()).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            ChunkEvent c = changes.chunks().get(i);
            assertThat(c.chunkId()).isEqualTo("port#" + i);
            assertThat(c.ordinal()).isEqualTo(i);
            assertThat(c.text()).isEqualTo(expected.get(i).text());
            assertThat(c.tokenIds()).containsExactly(expected.get(i).tokenIds());
            assertThat(c.modelId()).isEqualTo("qwen3");
            assertThat(c.tokenizerId()).isEqualTo("sha256:1111111111111111");
            assertThat(c.chunkerVersion()).isEqualTo("sentences-v1/32/0");
            assertThat(c.embeddingModel()).isEqualTo("all-minilm-l6-v2-q");
            assertThat(c.embedding()).containsExactly(embedder.embed(c.text()));
        }
    }

    @Test
    void aShorterReingestTombstonesTheChunksThatNoLongerExist() {
        CountingEmbedder embedder = CountingEmbedder.overRealModel();
        ChunkPlanner planner = new ChunkPlanner(chunker, embedder, "qwen3", "sha256:1111111111111111");
        List<String> before = List.of("port#0", "port#1", "port#2", "port#3", "port#4");
        ChunkChanges changes = planner.plan(upsert("port", "The harbour closed in 2001."), before);
        assertThat(changes.chunks()).extracting(ChunkEvent::chunkId).containsExactly("port#0");
        assertThat(changes.tombstones()).containsExactly("port#1", "port#2", "port#3", "port#4");
        assertThat(embedder.texts()).isEqualTo(1);
    }

    @Test
    void aDeleteTombstonesEveryChunkAndEmbedsNothing() {
        CountingEmbedder embedder = CountingEmbedder.overRealModel();
        ChunkPlanner planner = new ChunkPlanner(chunker, embedder, "qwen3", "sha256:1111111111111111");
        ChunkChanges changes = planner.plan(new DocumentEvent.Delete("port", T), List.of("port#0", "port#1"));
        assertThat(changes.chunks()).isEmpty();
        assertThat(changes.tombstones()).containsExactly("port#0", "port#1");
        assertThat(embedder.texts()).isZero();
    }

    private static DocumentEvent.Upsert upsert(String id, String text) {
        return new DocumentEvent.Upsert(id, "Title", text, Map.of(), T);
    }
}
