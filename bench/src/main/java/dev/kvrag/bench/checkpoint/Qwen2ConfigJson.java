package dev.kvrag.bench.checkpoint;

import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * config.json of a {@code Qwen2ForCausalLM} checkpoint with the keys transformers 4.x writes for
 * Qwen2.5 (top-level {@code rope_theta}, {@code torch_dtype}), which is also what Jlama's
 * {@code Qwen2Config} reads: max_position_embeddings, hidden_size, intermediate_size,
 * num_attention_heads, num_key_value_heads, num_hidden_layers, rms_norm_eps, vocab_size,
 * bos_token_id, eos_token_id (a single int), hidden_act and rope_theta, found through model_type.
 */
public final class Qwen2ConfigJson {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Qwen2ConfigJson() {
    }

    public static Map<String, Object> of(Qwen2Shape s) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("architectures", List.of("Qwen2ForCausalLM"));
        c.put("attention_dropout", 0.0);
        c.put("bos_token_id", s.bosTokenId());
        c.put("eos_token_id", s.eosTokenId());
        c.put("hidden_act", "silu");
        c.put("hidden_size", s.hiddenSize());
        c.put("initializer_range", Qwen2Layout.WEIGHT_STD);
        c.put("intermediate_size", s.intermediateSize());
        c.put("max_position_embeddings", s.maxPositions());
        c.put("max_window_layers", s.layers());
        c.put("model_type", "qwen2");
        c.put("num_attention_heads", s.heads());
        c.put("num_hidden_layers", s.layers());
        c.put("num_key_value_heads", s.kvHeads());
        c.put("rms_norm_eps", s.rmsNormEps());
        c.put("rope_scaling", null);
        c.put("rope_theta", s.ropeTheta());
        c.put("sliding_window", s.maxPositions());
        c.put("tie_word_embeddings", true);
        c.put("torch_dtype", "bfloat16");
        c.put("use_cache", true);
        c.put("use_sliding_window", false);
        c.put("vocab_size", s.vocabSize());
        return c;
    }

    public static void write(Path file, Qwen2Shape s) throws IOException {
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(of(s)) + "\n");
    }
}
