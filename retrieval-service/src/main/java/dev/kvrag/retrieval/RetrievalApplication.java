package dev.kvrag.retrieval;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Chunks documents with the model's tokenizer, embeds and indexes them (Lucene), answers top-k queries. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class RetrievalApplication {

    public static void main(String[] args) {
        SpringApplication.run(RetrievalApplication.class, args);
    }
}
