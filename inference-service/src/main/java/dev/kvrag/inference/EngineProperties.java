package dev.kvrag.inference;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code kvrag.engine.*}: how the engine computes.
 *
 * @param backend {@code auto} (the best backend this build and machine have) or {@code cpu}
 */
@ConfigurationProperties("kvrag.engine")
public record EngineProperties(@DefaultValue("auto") Backend backend) {

    /** The engine backends a worker can ask for; the GPU backend comes with its own issue. */
    public enum Backend {
        AUTO,
        CPU
    }
}
