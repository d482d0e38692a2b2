package dev.kvrag.cache;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The chunk-KV store on Redis: tiers, eviction, hit/miss accounting, KV events. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class CacheApplication {

    public static void main(String[] args) {
        SpringApplication.run(CacheApplication.class, args);
    }
}
