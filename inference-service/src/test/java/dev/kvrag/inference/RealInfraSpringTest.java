package dev.kvrag.inference;

import dev.kvrag.kvstore.redis.EvictionPolicy;
import dev.kvrag.kvstore.redis.RedisChunkKvStore;
import dev.kvrag.kvstore.redis.RedisKvSettings;
import dev.kvrag.testsupport.RealInfra;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.UUID;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The one Spring context every integration test of this module shares (same annotations, same property source):
 * the service in its real configuration on the real Redis and Kafka of {@link RealInfra}, serving the small random
 * {@link TestModel}, with the chunk-KV store under a key namespace of its own. The store's budget is written the way
 * the cache-service writes it at start-up (workers only follow it).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"logging.level.kafka=WARN", "logging.level.state.change.logger=WARN",
                "kvrag.inference.worker-id=inference-it", "kvrag.inference.model-id=test-model",
                "kvrag.inference.threads=2", "kvrag.inference.max-new-tokens=32"})
public abstract class RealInfraSpringTest {

    public static final String NAMESPACE = "it-" + UUID.randomUUID() + ":";

    static {
        RedisClient client = RedisClient.create(RealInfra.redisUrl());
        try (RedisChunkKvStore store = RedisChunkKvStore.connect(client, NAMESPACE)) {
            store.configure(new RedisKvSettings(64L << 20, EvictionPolicy.SLRU, 0.8, Duration.ZERO));
        } finally {
            client.shutdown();
        }
    }

    @DynamicPropertySource
    static void realInfrastructure(DynamicPropertyRegistry registry) {
        RealInfra.registerSpringProperties(registry);
        registry.add("kvrag.inference.key-namespace", () -> NAMESPACE);
        registry.add("kvrag.inference.model-dir", () -> TestModel.dir().toString());
    }

    @LocalServerPort
    protected int port;
}
