package dev.kvrag.retrieval.infra;

import dev.kvrag.retrieval.domain.embedding.Embedder;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;

/**
 * all-MiniLM-L6-v2 (sentence-transformers; 384 dimensions, mean pooling, unit length), quantized to int8 ONNX, run
 * in-process by ONNX Runtime from the model file inside langchain4j's jar: no download at run time. Texts longer
 * than the model's 512 word pieces are embedded in windows and averaged by langchain4j. Thread-safe.
 */
public final class MiniLmEmbedder implements Embedder {

    public static final String MODEL_ID = "all-minilm-l6-v2-q";

    private final AllMiniLmL6V2QuantizedEmbeddingModel model;
    private final Timer queryTimer;
    private final Timer chunkTimer;

    public MiniLmEmbedder(MeterRegistry registry) {
        // The caller's thread runs the batch: ONNX Runtime already spreads one inference over the cores.
        this.model = new AllMiniLmL6V2QuantizedEmbeddingModel(Runnable::run);
        this.queryTimer = timer(registry, "text");
        this.chunkTimer = timer(registry, "batch");
    }

    @Override
    public String modelId() {
        return MODEL_ID;
    }

    @Override
    public int dimensions() {
        return model.dimension();
    }

    @Override
    public float[] embed(String text) {
        return queryTimer.record(() -> model.embed(text).content().vector());
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        List<TextSegment> segments = texts.stream().map(TextSegment::from).toList();
        List<Embedding> embeddings = chunkTimer.record(() -> model.embedAll(segments).content());
        return embeddings.stream().map(Embedding::vector).toList();
    }

    private static Timer timer(MeterRegistry registry, String call) {
        return Timer.builder("kvrag.retrieval.embedding")
                .description("Time to run the embedding model on one text (a query or a re-embedded chunk) or a batch")
                .tag("call", call)
                .publishPercentileHistogram()
                .register(registry);
    }
}
