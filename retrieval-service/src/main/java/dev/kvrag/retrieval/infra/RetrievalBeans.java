package dev.kvrag.retrieval.infra;

import dev.kvrag.engine.prompt.PromptEncoder;
import dev.kvrag.engine.prompt.PromptLayout;
import dev.kvrag.engine.tokenizer.Tokenizer;
import dev.kvrag.retrieval.RetrievalProperties;
import dev.kvrag.retrieval.domain.chunking.Chunker;
import dev.kvrag.retrieval.domain.chunking.ChunkingPolicy;
import dev.kvrag.retrieval.domain.embedding.Embedder;
import dev.kvrag.retrieval.domain.index.ChunkIndex;
import dev.kvrag.retrieval.domain.index.Retriever;
import dev.kvrag.retrieval.domain.ingest.ChunkPlanner;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/** Wires the plain-Java domain (chunker, embedder, index, planner) to the configuration and to Kafka. */
@Configuration(proxyBeanMethods = false)
class RetrievalBeans {

    private static final Logger log = LoggerFactory.getLogger(RetrievalBeans.class);

    @Bean
    ServedModel servedModel(RetrievalProperties properties) {
        ServedModel model = ServedModel.load(properties.model().dir(), properties.model().id());
        log.info("chunking with the tokenizer of model '{}' ({}, tokenizer {})", model.id(), model.dir(),
                model.tokenizerId());
        return model;
    }

    @Bean
    Chunker chunker(ServedModel model, RetrievalProperties properties) {
        Tokenizer tokenizer = model.tokenizer();
        int[] eos = tokenizer.eosIds();
        PromptEncoder encoder = new PromptEncoder(tokenizer::encodeText, tokenizer.bosId(),
                eos.length == 0 ? OptionalInt.empty() : OptionalInt.of(eos[0]));
        ChunkingPolicy policy = new ChunkingPolicy(properties.chunking().maxTokens(),
                properties.chunking().overlapTokens());
        return new Chunker(encoder, PromptLayout.DEFAULT, policy);
    }

    @Bean
    Embedder embedder(MeterRegistry registry, RetrievalProperties properties) {
        return new MiniLmEmbedder(registry, properties.embedding().threads());
    }

    @Bean
    RetrievalMetrics retrievalMetrics(MeterRegistry registry) {
        return new RetrievalMetrics(registry);
    }

    @Bean(destroyMethod = "close")
    ChunkIndex chunkIndex(RetrievalProperties properties, Embedder embedder, MeterRegistry registry) {
        ChunkIndex index = properties.index().dir() == null
                ? ChunkIndex.inMemory(embedder.dimensions())
                : ChunkIndex.onDisk(properties.index().dir(), embedder.dimensions());
        Gauge.builder("kvrag.retrieval.index.chunks", index, ChunkIndex::size)
                .description("Chunks searchable in this replica's index").register(registry);
        return index;
    }

    @Bean
    Retriever retriever(ChunkIndex index, Embedder embedder) {
        return new Retriever(index, embedder);
    }

    @Bean
    ChunkPlanner chunkPlanner(Chunker chunker, Embedder embedder, ServedModel model) {
        return new ChunkPlanner(chunker, embedder, model.id(), model.tokenizerId());
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    ChunkLog chunkLog(ConsumerFactory<String, byte[]> consumerFactory, KafkaAdmin kafkaAdmin, ChunkIndex index,
                      Embedder embedder, ServedModel model, RetrievalMetrics metrics) {
        Properties overrides = new Properties();
        overrides.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        overrides.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new ChunkLog(() -> consumerFactory.createConsumer(null, "retrieval-chunk-log", null, overrides),
                Admin.create(kafkaAdmin.getConfigurationProperties()), index, embedder, model.tokenizerId(), metrics);
    }

    @Bean
    ChunkPublisher chunkPublisher(KafkaTemplate<String, byte[]> template) {
        return new ChunkPublisher(template, Duration.ofSeconds(30));
    }

    /**
     * A document event that fails for a reason other than its content (Kafka or the index unavailable) is retried
     * with backoff for as long as it takes: skipping it would lose the document. Bad content never gets here; the
     * listener rejects it with one log line.
     */
    @Bean
    DefaultErrorHandler documentRetries() {
        ExponentialBackOff backOff = new ExponentialBackOff(1_000, 2.0);
        backOff.setMaxInterval(30_000);
        backOff.setMaxElapsedTime(Long.MAX_VALUE);
        backOff.setMaxAttempts(Long.MAX_VALUE);
        return new DefaultErrorHandler(backOff);
    }
}
