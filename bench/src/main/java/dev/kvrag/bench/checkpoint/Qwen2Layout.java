package dev.kvrag.bench.checkpoint;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The tensors of a {@code Qwen2ForCausalLM} checkpoint with tied embeddings, named and shaped as
 * transformers saves them (weights [out, in]; no {@code lm_head.weight}, the head reads
 * {@code model.embed_tokens.weight}).
 *
 * <p>Initial values: projections and embeddings N(0, 0.02²), the transformers initializer_range;
 * biases N(0, 0.02²) rather than transformers' zeros, so the bias path carries real numbers;
 * RMSNorm weights N(1, 0.02²), near the trained scale of one.
 */
public final class Qwen2Layout {

    static final double WEIGHT_STD = 0.02;

    private Qwen2Layout() {
    }

    public static List<TensorSpec> tensors(Qwen2Shape s) {
        int h = s.hiddenSize();
        int kv = s.kvDim();
        int ff = s.intermediateSize();
        List<TensorSpec> out = new ArrayList<>();
        out.add(weight("model.embed_tokens.weight", s.vocabSize(), h));
        out.add(norm("model.norm.weight", h));
        for (int i = 0; i < s.layers(); i++) {
            String p = "model.layers." + i + ".";
            out.add(norm(p + "input_layernorm.weight", h));
            out.add(norm(p + "post_attention_layernorm.weight", h));
            out.add(weight(p + "self_attn.q_proj.weight", h, h));
            out.add(bias(p + "self_attn.q_proj.bias", h));
            out.add(weight(p + "self_attn.k_proj.weight", kv, h));
            out.add(bias(p + "self_attn.k_proj.bias", kv));
            out.add(weight(p + "self_attn.v_proj.weight", kv, h));
            out.add(bias(p + "self_attn.v_proj.bias", kv));
            out.add(weight(p + "self_attn.o_proj.weight", h, h));
            out.add(weight(p + "mlp.gate_proj.weight", ff, h));
            out.add(weight(p + "mlp.up_proj.weight", ff, h));
            out.add(weight(p + "mlp.down_proj.weight", h, ff));
        }
        // safetensors' save_file orders tensors by name; keeping that order makes our files look like theirs.
        out.sort(Comparator.comparing(TensorSpec::name));
        return List.copyOf(out);
    }

    public static long parameterCount(Qwen2Shape s) {
        return tensors(s).stream().mapToLong(TensorSpec::elementCount).sum();
    }

    private static TensorSpec weight(String name, int rows, int cols) {
        return new TensorSpec(name, List.of(rows, cols), 0.0, WEIGHT_STD);
    }

    private static TensorSpec bias(String name, int n) {
        return new TensorSpec(name, List.of(n), 0.0, WEIGHT_STD);
    }

    private static TensorSpec norm(String name, int n) {
        return new TensorSpec(name, List.of(n), 1.0, WEIGHT_STD);
    }
}
