package dev.kvrag.retrieval;

import dev.kvrag.testsupport.RealInfra;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The service in its real configuration on real Redis and Kafka. Every integration test class extends this one so
 * that they share one Spring context (and one embedding model). Chunks are kept small so short test documents
 * have several.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"logging.level.kafka=WARN", "logging.level.state.change.logger=WARN",
                "kvrag.retrieval.chunking.max-tokens=40"})
public abstract class RealInfraSpringTest {

    @DynamicPropertySource
    static void realInfrastructure(DynamicPropertyRegistry registry) {
        RealInfra.registerSpringProperties(registry);
    }
}
