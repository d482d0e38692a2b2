package dev.kvrag.cache;

import dev.kvrag.testsupport.HealthEndpoint;
import org.junit.jupiter.api.Test;

class CacheServiceSmokeIT extends RealInfraSpringTest {

    @Test
    void startsAndIsReadyWithRedisAndKafkaUp() {
        HealthEndpoint.assertReadyWithRedisAndKafka(port);
    }

    @Test
    void livenessDoesNotDependOnRedisOrKafka() {
        HealthEndpoint.assertLivenessDependsOnNothingOutside(port);
    }
}
