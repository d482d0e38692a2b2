package dev.kvrag.gateway.infra;

import dev.kvrag.gateway.GatewayProperties;
import dev.kvrag.gateway.domain.documents.DocumentService;
import dev.kvrag.gateway.domain.query.QueryService;
import dev.kvrag.gateway.domain.query.QuestionRules;
import dev.kvrag.gateway.infra.documents.KafkaDocumentLog;
import dev.kvrag.gateway.infra.documents.RedisPendingDocuments;
import dev.kvrag.gateway.infra.inference.KafkaInference;
import dev.kvrag.gateway.infra.inference.ResultStreamReader;
import dev.kvrag.gateway.infra.retrieval.RetrievalClient;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.web.client.RestClient;

/** Wires the domain to its dependencies; the one place the gateway's objects are made. */
@Configuration(proxyBeanMethods = false)
class GatewayBeans {

    static final String RETRIEVAL = "retrieval";
    static final String INFERENCE = "inference";

    private static final Logger log = LoggerFactory.getLogger(GatewayBeans.class);

    @Bean
    ServedModel servedModel(GatewayProperties properties) {
        ServedModel model = ServedModel.load(properties.model());
        log.info("serving model '{}' (tokenizer {}, {})", model.id(), model.tokenizerId(), model.dir());
        return model;
    }

    @Bean
    QuestionRules questionRules(GatewayProperties properties) {
        GatewayProperties.Query q = properties.query();
        return new QuestionRules(q.defaultK(), q.maxK(), q.maxQuestionChars(), q.defaultMode(), q.defaultMaxTokens(),
                q.maxMaxTokens(), q.maxDocumentIds());
    }

    @Bean
    GatewayMetrics gatewayMetrics(MeterRegistry registry) {
        return new GatewayMetrics(registry);
    }

    @Bean
    RetrievalClient retrievalClient(GatewayProperties properties, CircuitBreakerRegistry circuitBreakers,
                                    BulkheadRegistry bulkheads, RetryRegistry retries) {
        GatewayProperties.Retrieval r = properties.retrieval();
        // HttpURLConnection, not the JDK HttpClient: a blocking call on the caller's thread over a kept-alive
        // connection, without the HttpClient's hand-offs between its selector and executor threads, which cost 1.3 to
        // 2.5 ms per search on the 2-core dev VM (docs/BENCHMARKS.md §6). The JDK keeps up to 5 idle connections per host.
        SimpleClientHttpRequestFactory requests = new SimpleClientHttpRequestFactory();
        requests.setConnectTimeout(r.connectTimeout());
        requests.setReadTimeout(r.readTimeout());
        RestClient http = RestClient.builder().baseUrl(r.baseUrl().toString()).requestFactory(requests).build();
        return new RetrievalClient(http, r.baseUrl(), new DependencyGuard(RETRIEVAL,
                circuitBreakers.circuitBreaker(RETRIEVAL), bulkheads.bulkhead(RETRIEVAL), retries.retry(RETRIEVAL)));
    }

    @Bean(destroyMethod = "close")
    ResultStreamReader resultStreamReader(GatewayProperties properties, LettuceConnectionFactory redis) {
        GatewayProperties.Inference i = properties.inference();
        if (!(redis.getRequiredNativeClient() instanceof RedisClient client)) {
            throw new IllegalStateException("the gateway reads answers from a standalone Redis; spring.data.redis "
                    + "configures a cluster or sentinel setup");
        }
        return new ResultStreamReader(client, i.resultConnections(), i.resultBlock());
    }

    @Bean
    KafkaInference kafkaInference(GatewayProperties properties, KafkaTemplate<String, byte[]> kafka,
                                  ResultStreamReader results, CircuitBreakerRegistry circuitBreakers,
                                  BulkheadRegistry bulkheads) {
        GatewayProperties.Inference i = properties.inference();
        DependencyGuard guard = new DependencyGuard(INFERENCE, circuitBreakers.circuitBreaker(INFERENCE),
                bulkheads.bulkhead(INFERENCE), null);
        if (guard.maxConcurrentCalls() > i.resultConnections()) {
            throw new IllegalStateException("resilience4j.bulkhead.instances.inference.max-concurrent-calls ("
                    + guard.maxConcurrentCalls() + ") exceeds kvrag.gateway.inference.result-connections ("
                    + i.resultConnections() + "): every query in flight needs its own Redis connection");
        }
        return new KafkaInference(kafka, results, guard, i.sendTimeout());
    }

    @Bean
    QueryService queryService(GatewayProperties properties, RetrievalClient retrieval, KafkaInference inference,
                              ServedModel model, GatewayMetrics metrics) {
        return new QueryService(retrieval, inference, model.id(), model.tokenizerId(), properties.inference().timeout(),
                properties.query().snippetChars(), metrics::answered);
    }

    @Bean
    DocumentService documentService(GatewayProperties properties, KafkaTemplate<String, byte[]> kafka,
                                    StringRedisTemplate redis, RetrievalClient retrieval) {
        GatewayProperties.Documents d = properties.documents();
        return new DocumentService(new KafkaDocumentLog(kafka, properties.inference().sendTimeout()),
                new RedisPendingDocuments(redis, d.pendingTtl()), retrieval, d.maxPerRequest(),
                d.maxDocumentSize().toBytes());
    }

    /** Streams answers to SSE clients: one virtual thread per streamed answer, blocked on its result stream. */
    @Bean(destroyMethod = "close")
    ExecutorService answerStreams() {
        return Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("answer-stream-", 0).factory());
    }
}
