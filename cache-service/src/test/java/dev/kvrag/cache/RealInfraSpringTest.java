package dev.kvrag.cache;

import dev.kvrag.testsupport.RealInfra;
import java.util.UUID;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The one Spring context every integration test of this module shares (same annotations, same property source):
 * the service in its real configuration on the real Redis and Kafka of {@link RealInfra}, with a small budget and
 * blob limit so eviction and refusals are reachable, under a key namespace of its own.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"logging.level.kafka=WARN", "logging.level.state.change.logger=WARN",
                "kvrag.cache.budget=16KB", "kvrag.cache.max-blob-size=8KB", "kvrag.cache.protected-fraction=0.5",
                "kvrag.cache.instance-id=cache-service-it"})
abstract class RealInfraSpringTest {

    static final String NAMESPACE = "it-" + UUID.randomUUID() + ":";

    @DynamicPropertySource
    static void realInfrastructure(DynamicPropertyRegistry registry) {
        RealInfra.registerSpringProperties(registry);
        registry.add("kvrag.cache.key-namespace", () -> NAMESPACE);
    }

    @LocalServerPort
    int port;
}
