package dev.kvrag.inference;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Kafka-fed workers around the engine: precompute chunk KV, fuse and answer. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class InferenceApplication {

    public static void main(String[] args) {
        SpringApplication.run(InferenceApplication.class, args);
    }
}
