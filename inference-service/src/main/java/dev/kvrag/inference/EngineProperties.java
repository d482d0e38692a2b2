package dev.kvrag.inference;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code kvrag.engine.*}: how the engine computes.
 *
 * @param backend {@code auto} (CUDA when a device and its libraries are there, else the CPU), {@code cpu} or
 *                {@code cuda} (refuses to start without a GPU, saying what is missing)
 */
@ConfigurationProperties("kvrag.engine")
public record EngineProperties(@DefaultValue("auto") Backend backend) {

    /** The engine backends a worker can ask for. */
    public enum Backend {
        AUTO,
        CPU,
        CUDA
    }
}
