package dev.kvrag.inference.infra;

import dev.kvrag.engine.compute.Backend;
import dev.kvrag.engine.compute.BackendChoice;
import dev.kvrag.inference.EngineProperties;
import dev.kvrag.inference.InferenceProperties;
import dev.kvrag.inference.domain.ServedModel;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The engine backend (by {@code kvrag.engine.backend}) and the served model on it, loaded once at start-up. */
@Configuration(proxyBeanMethods = false)
class EngineConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EngineConfiguration.class);

    @Bean(destroyMethod = "close")
    Backend engineBackend(EngineProperties engine, InferenceProperties properties) {
        BackendChoice.Opened opened = BackendChoice.open(engine.backend().name(), properties.engineThreads());
        log.info("engine backend: {} ({})", opened.backend().describe(), opened.reason());
        return opened.backend();
    }

    @Bean(destroyMethod = "close")
    ServedModel servedModel(InferenceProperties properties, Backend engineBackend) {
        Path dir = ModelLocation.resolve(properties.modelDir(), Path.of(""));
        String id = properties.modelId() != null ? properties.modelId()
                : dir.toAbsolutePath().normalize().getFileName().toString();
        long start = System.nanoTime();
        ServedModel model = ServedModel.load(dir, id, engineBackend, properties.storage());
        var c = model.transformer().config();
        log.info("serving model '{}' from {} ({} layers x {}, vocab {}, tokenizer {}); prefix {} tokens; chunk KV "
                        + "stored as {}; loaded in {} ms", id, dir.toAbsolutePath().normalize(), c.layers(),
                c.hiddenSize(), c.vocabSize(), model.tokenizerId(), model.prefixIds().length, properties.kvEncoding(),
                (System.nanoTime() - start) / 1_000_000);
        return model;
    }
}
