package dev.kvrag.inference.infra;

import dev.kvrag.common.events.Topics;
import dev.kvrag.inference.InferenceProperties;
import dev.kvrag.inference.domain.HeldClaims;
import dev.kvrag.inference.domain.InferenceWorker;
import dev.kvrag.inference.domain.Precompute;
import dev.kvrag.inference.domain.Results;
import dev.kvrag.inference.domain.ServedModel;
import dev.kvrag.inference.domain.StoredChunks;
import dev.kvrag.kvstore.events.KvEventSink;
import dev.kvrag.kvstore.events.KvEventSource;
import dev.kvrag.kvstore.local.LocalKvTier;
import dev.kvrag.kvstore.redis.RedisChunkKvStore;
import dev.kvrag.kvstore.tiered.TieredChunkKvStore;
import dev.kvrag.service.redis.KvStoreRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Wires the plain-Java worker to Redis and Kafka: the kv-store's tiered store (local hot tier in front of the
 * shared Redis tier, kv-events to Kafka), the result streams, the request ledger (its claims renewed on a timer) and
 * the chunk-id index, on the worker's own Lettuce client for the Redis that {@code spring.data.redis.*} names (the
 * one Boot's health check uses).
 */
@Configuration(proxyBeanMethods = false)
class WorkerConfiguration {

    @Bean(destroyMethod = "shutdown")
    RedisClient workerRedisClient(DataRedisProperties redis, InferenceProperties properties) {
        return KvStoreRedisClient.create(redis, properties.redisTimeout());
    }

    /** Result streams, claims, the chunk-id index: small string commands on one multiplexed connection. */
    @Bean(destroyMethod = "close")
    StatefulRedisConnection<String, String> workerRedisConnection(RedisClient workerRedisClient) {
        return workerRedisClient.connect();
    }

    @Bean(destroyMethod = "close")
    RedisChunkKvStore redisChunkKvStore(RedisClient workerRedisClient, InferenceProperties properties) {
        return RedisChunkKvStore.connect(workerRedisClient, properties.keyNamespace());
    }

    @Bean
    LocalKvTier localKvTier(InferenceProperties properties) {
        return new LocalKvTier(properties.localTierSize().toBytes());
    }

    @Bean
    KvEventSource kvEventSource(InferenceProperties properties) {
        String id = properties.workerId();
        return new KvEventSource(id.isBlank() ? "inference@" + hostName() + ":" + ProcessHandle.current().pid() : id);
    }

    @Bean
    KvEventSink kvEventSink(KafkaTemplate<String, byte[]> kafka) {
        return new KafkaKvEventSink(kafka);
    }

    /** Closing flushes this worker's local-tier hit counts into the store-wide counters. */
    @Bean(destroyMethod = "close")
    TieredChunkKvStore tieredChunkKvStore(LocalKvTier local, RedisChunkKvStore redis, KvEventSource source,
                                          KvEventSink sink) {
        return new TieredChunkKvStore(local, redis, source, sink, Duration.ofSeconds(10));
    }

    @Bean
    StoredChunks storedChunks(TieredChunkKvStore store, RedisChunkKvStore redis,
                              StatefulRedisConnection<String, String> workerRedisConnection,
                              InferenceProperties properties, ServedModel model) {
        return new StoredChunks(store, new RedisChunkKeys(workerRedisConnection.sync(), properties.keyNamespace(),
                model.id()), id -> redis.metadata(id).isPresent());
    }

    @Bean
    Results results(StatefulRedisConnection<String, String> workerRedisConnection,
                    KafkaTemplate<String, byte[]> kafka) {
        return new RedisResults(workerRedisConnection, kafka);
    }

    @Bean
    HeldClaims heldClaims(StatefulRedisConnection<String, String> workerRedisConnection,
                          InferenceProperties properties) {
        return new HeldClaims(new RedisRequestLedger(workerRedisConnection.sync(), properties.claimLease()));
    }

    @Bean(destroyMethod = "close")
    HeldRequestRequeue heldRequestRequeue(KafkaTemplate<String, byte[]> kafka) {
        return new HeldRequestRequeue((id, value) -> kafka.send(Topics.INFERENCE_REQUESTS, id, value),
                System::currentTimeMillis);
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    ClaimRenewer claimRenewer(HeldClaims claims) {
        return new ClaimRenewer(claims);
    }

    @Bean
    InferenceWorker inferenceWorker(ServedModel model, StoredChunks stored, Results results, HeldClaims claims,
                                    InferenceProperties properties) {
        try {
            properties.defaultPlan().mode().check(model.transformer().config(), 1);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kvrag.inference.default-mode '" + properties.defaultMode() + "' does "
                    + "not fit model '" + model.id() + "': " + e.getMessage());
        }
        return new InferenceWorker(model, stored, results, claims, new InferenceWorker.Settings(
                properties.defaultPlan(), properties.maxPromptTokens(), properties.maxNewTokens()));
    }

    @Bean
    Precompute precompute(ServedModel model, StoredChunks stored) {
        return new Precompute(model, stored);
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    KvEventFollower kvEventFollower(ConsumerFactory<String, byte[]> consumerFactory, TieredChunkKvStore store) {
        Properties overrides = new Properties();
        overrides.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KvEventFollower(() -> consumerFactory.createConsumer(null, "inference-kv-events", null, overrides),
                store);
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    ResidencyReporter residencyReporter(TieredChunkKvStore store, InferenceProperties properties) {
        return new ResidencyReporter(store, properties.residencyReportInterval());
    }

    /**
     * A record whose handling fails for a reason outside it (Redis or Kafka unavailable: the listeners turn every
     * problem of the record itself into an outcome) is retried with backoff for two minutes, then skipped with an
     * error in the log; by then the gateway has given up on a request, and a chunk is computed when first asked for.
     */
    @Bean
    DefaultErrorHandler listenerRetries() {
        ExponentialBackOff backOff = new ExponentialBackOff(500, 2.0);
        backOff.setMaxInterval(10_000);
        backOff.setMaxElapsedTime(120_000);
        return new DefaultErrorHandler(backOff);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
