package dev.kvrag.e2e;

import dev.kvrag.common.model.ModelDirectory;
import dev.kvrag.engine.compute.DType;
import dev.kvrag.engine.model.ModelConfig;
import dev.kvrag.engine.model.RandomCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The model the platform serves in the test: the trained demo model in {@code models/demo}, else the same untrained
 * stand-in `./kvrag up` writes (a random 12 × 256 Llama with the real Qwen3 tokenizer), with which every path runs but
 * the answers are noise.
 *
 * @param id what the services call it: the directory's name
 * @param trained whether answers can be checked against gold answers
 */
record ServedModel(Path dir, String id, boolean trained) {

    /** As the launcher's stand-in (kvrag, served_model). */
    private static final String STAND_IN_CONFIG = """
            {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 256, "intermediate_size": 768,
             "num_hidden_layers": 12, "num_attention_heads": 8, "num_key_value_heads": 2, "head_dim": 32,
             "vocab_size": 151936, "rms_norm_eps": 1e-05, "rope_parameters": {"rope_type": "default", "rope_theta": 10000.0},
             "tie_word_embeddings": true, "max_position_embeddings": 8192, "dtype": "bfloat16",
             "bos_token_id": null, "eos_token_id": 151645}
            """;

    /**
     * @param untrained serve the stand-in even when the demo model is there (system property
     *     {@code kvrag.e2e.untrained=true}: checks the path a checkout without a trained model takes)
     */
    static ServedModel of(Path root, Path scratch, boolean untrained) throws IOException {
        Path demo = root.resolve(ModelDirectory.DEMO);
        if (!untrained && ModelDirectory.holdsModel(demo)) {
            return new ServedModel(demo, "demo", true);
        }
        Path dir = scratch.resolve("untrained");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), STAND_IN_CONFIG);
        Path tokenizer = root.resolve(ModelDirectory.QWEN3_TOKENIZER);
        for (String file : new String[] {"tokenizer.json.gz", "tokenizer_config.json"}) {
            Files.copy(tokenizer.resolve(file), dir.resolve(file));
        }
        RandomCheckpoint.write(dir, ModelConfig.read(dir), DType.BF16, 7);
        return new ServedModel(dir, "untrained", false);
    }
}
