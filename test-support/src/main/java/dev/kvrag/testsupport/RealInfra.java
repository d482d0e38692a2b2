package dev.kvrag.testsupport;

import dev.kvrag.common.events.Topics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Real Redis and Kafka for integration tests, one of each per JVM.
 *
 * <p>{@code REDIS_URL} / {@code KAFKA_BOOTSTRAP} win when set (a developer's {@code ./kvrag infra up}, a CI
 * service). Otherwise a {@code redis-server} process on a free port and an in-JVM KRaft broker are
 * started on first use and stopped when the test run ends ({@link StopAtSessionEnd}, or at JVM exit outside
 * JUnit), so every test class of a module shares them.
 * Either way the platform's topics ({@link Topics}) exist before the bootstrap address is handed out.
 */
public final class RealInfra {

    private static final Duration PROVISION_TIMEOUT = Duration.ofSeconds(30);

    private static final Deque<Started> STARTED = new ArrayDeque<>();

    private static String redisUrl;
    private static String kafkaBootstrap;

    private record Started(String what, AutoCloseable resource) {
    }

    private RealInfra() {
    }

    /** A {@code redis://host:port} URL of a Redis server that answers PING. */
    public static synchronized String redisUrl() {
        if (redisUrl == null) {
            String fromEnv = System.getenv("REDIS_URL");
            if (fromEnv != null && !fromEnv.isBlank()) {
                redisUrl = fromEnv.strip();
            } else {
                LocalRedisServer server = LocalRedisServer.start();
                started("redis-server", server);
                redisUrl = server.url();
            }
        }
        return redisUrl;
    }

    /** A Kafka bootstrap address ({@code host:port}) on which the platform's topics exist. */
    public static synchronized String kafkaBootstrap() {
        if (kafkaBootstrap == null) {
            String fromEnv = System.getenv("KAFKA_BOOTSTRAP");
            String bootstrap;
            if (fromEnv != null && !fromEnv.isBlank()) {
                bootstrap = fromEnv.strip();
            } else {
                InJvmKafkaBroker broker = InJvmKafkaBroker.start();
                started("in-JVM Kafka broker", broker);
                bootstrap = broker.bootstrapServers();
            }
            TopicProvisioner.provision(bootstrap, Topics.all(), PROVISION_TIMEOUT);
            kafkaBootstrap = bootstrap;
        }
        return kafkaBootstrap;
    }

    /**
     * Points a Spring Boot test at the real infrastructure; call it from a {@code @DynamicPropertySource}
     * method. The values are suppliers, so nothing starts until the context reads them.
     */
    public static void registerSpringProperties(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.url", RealInfra::redisUrl);
        registry.add("spring.kafka.bootstrap-servers", RealInfra::kafkaBootstrap);
    }

    /** Stops, newest first, whatever this class started; idempotent. A later call to a getter starts afresh. */
    static synchronized void stopAll() {
        redisUrl = null;
        kafkaBootstrap = null;
        while (!STARTED.isEmpty()) {
            Started s = STARTED.pop();
            try {
                s.resource().close();
            } catch (Exception e) {
                System.err.println("kvrag test-support: could not stop " + s.what() + ": " + e);
            }
        }
    }

    private static void started(String what, AutoCloseable resource) {
        if (STARTED.isEmpty()) {
            // Outside a JUnit run nothing else stops them; inside one, StopAtSessionEnd does it earlier.
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("kvrag test infra").unstarted(RealInfra::stopAll));
        }
        STARTED.push(new Started(what, resource));
    }
}
