package dev.kvrag.bench.checkpoint;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class Qwen2LayoutTest {

    private final Qwen2Shape qwen = Qwen2Shape.qwen25HalfB();
    private final Map<String, TensorSpec> byName = Qwen2Layout.tensors(qwen).stream()
            .collect(Collectors.toMap(TensorSpec::name, Function.identity()));

    @Test
    void qwen25HalfBHasItsPublishedParameterCount() {
        assertEquals(494_032_768L, Qwen2Layout.parameterCount(qwen));
        assertEquals(2 + 12 * 24, byName.size());
    }

    @Test
    void projectionsAreStoredOutByInWithGroupedKeysAndValues() {
        assertEquals(List.of(151936, 896), byName.get("model.embed_tokens.weight").shape());
        assertEquals(List.of(896, 896), byName.get("model.layers.0.self_attn.q_proj.weight").shape());
        assertEquals(List.of(128, 896), byName.get("model.layers.23.self_attn.k_proj.weight").shape());
        assertEquals(List.of(128), byName.get("model.layers.23.self_attn.v_proj.bias").shape());
        assertEquals(List.of(4864, 896), byName.get("model.layers.5.mlp.gate_proj.weight").shape());
        assertEquals(List.of(896, 4864), byName.get("model.layers.5.mlp.down_proj.weight").shape());
        assertEquals(64, qwen.headDim());
    }

    @Test
    void tiedEmbeddingsMeanNoSeparateHead() {
        assertFalse(byName.containsKey("lm_head.weight"));
    }

    @Test
    void normsStartNearOneAndEverythingElseNearZero() {
        assertEquals(1.0, byName.get("model.norm.weight").mean());
        assertEquals(1.0, byName.get("model.layers.3.post_attention_layernorm.weight").mean());
        assertEquals(0.0, byName.get("model.layers.3.self_attn.q_proj.bias").mean());
        assertEquals(0.02, byName.get("model.layers.3.mlp.up_proj.weight").std());
    }

    @Test
    void tensorsAreOrderedByNameAsSafetensorsSavesThem() {
        List<String> names = Qwen2Layout.tensors(qwen).stream().map(TensorSpec::name).toList();
        assertEquals(names.stream().sorted().toList(), names);
    }

    @Test
    void shapesThatCannotFormHeadsAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new Qwen2Shape(900, 2, 14, 2, 16, 100, 64, 1e4, 1e-6, 1, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new Qwen2Shape(896, 2, 14, 3, 16, 100, 64, 1e4, 1e-6, 1, 1));
    }
}
