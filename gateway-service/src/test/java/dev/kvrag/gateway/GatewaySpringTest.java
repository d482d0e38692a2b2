package dev.kvrag.gateway;

import dev.kvrag.gateway.testing.ContractWorker;
import dev.kvrag.gateway.testing.GatewayClient;
import dev.kvrag.gateway.testing.RetrievalStub;
import dev.kvrag.testsupport.RealInfra;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The gateway in its real configuration on real Redis and Kafka, with the retrieval-service's HTTP API served by a
 * local stub and the inference worker's side of the contract played by {@link ContractWorker}. Every integration test
 * class extends this one, so they share one Spring context, one stub and one worker. The inference timeout is short
 * so that the unanswered-request test is quick.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"logging.level.kafka=WARN", "logging.level.state.change.logger=WARN",
                "kvrag.gateway.api-keys=test-key-1,test-key-2", "kvrag.gateway.model.id=test-model",
                "kvrag.gateway.inference.timeout=4s", "kvrag.gateway.documents.max-request-size=1MB"})
public abstract class GatewaySpringTest {

    protected static final String KEY = "test-key-1";

    protected static final RetrievalStub RETRIEVAL = RetrievalStub.start();
    protected static final Path MODEL_DIR = modelDir();

    private static ContractWorker worker;

    @LocalServerPort
    protected int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        RealInfra.registerSpringProperties(registry);
        registry.add("kvrag.gateway.retrieval.base-url", RETRIEVAL::baseUrl);
        registry.add("kvrag.gateway.model.dir", MODEL_DIR::toString);
    }

    /** The worker, started once the broker and Redis exist. */
    protected static synchronized ContractWorker worker() {
        if (worker == null) {
            worker = ContractWorker.start(RealInfra.kafkaBootstrap(), RealInfra.redisUrl());
        }
        return worker;
    }

    protected GatewayClient client() {
        worker();
        return new GatewayClient(port, KEY);
    }

    protected GatewayClient client(String key) {
        return new GatewayClient(port, key);
    }

    /** A model directory whose only file is a tokenizer.json: all the gateway reads (for the tokenizer id). */
    private static Path modelDir() {
        try {
            Path dir = Files.createTempDirectory("kvrag-gateway-model");
            Files.writeString(dir.resolve("tokenizer.json"), "{\"model\":{\"type\":\"BPE\"}}");
            dir.toFile().deleteOnExit();
            dir.resolve("tokenizer.json").toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
