package dev.kvrag.retrieval.testing;

import dev.kvrag.retrieval.domain.embedding.Embedder;
import dev.kvrag.retrieval.infra.MiniLmEmbedder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** The real embedding model, counting the texts it embeds. One model per JVM: loading it takes a second or two. */
public final class CountingEmbedder implements Embedder {

    private static MiniLmEmbedder shared;

    private final Embedder model;
    private final AtomicInteger texts = new AtomicInteger();

    public CountingEmbedder(Embedder model) {
        this.model = model;
    }

    /** Counts calls to the one real model this JVM loads. */
    public static synchronized CountingEmbedder overRealModel() {
        if (shared == null) {
            shared = new MiniLmEmbedder(new SimpleMeterRegistry(), 1);
        }
        return new CountingEmbedder(shared);
    }

    public int texts() {
        return texts.get();
    }

    @Override
    public String modelId() {
        return model.modelId();
    }

    @Override
    public int dimensions() {
        return model.dimensions();
    }

    @Override
    public float[] embed(String text) {
        texts.incrementAndGet();
        return model.embed(text);
    }

    @Override
    public List<float[]> embedAll(List<String> batch) {
        texts.addAndGet(batch.size());
        return model.embedAll(batch);
    }
}
