package dev.kvrag.engine.model;

import dev.kvrag.engine.compute.Weight;
import java.util.ArrayList;
import java.util.List;

/**
 * Every parameter of a model, checked against its config: each tensor must exist with exactly the HF
 * shape, so a wrong checkpoint fails at load time with the tensor's name rather than deep in a kernel.
 *
 * @param lmHead the output projection; the embedding matrix itself when embeddings are tied
 */
public record ModelWeights(Weight embedding, List<LayerWeights> layers, float[] finalNorm, Weight lmHead) {

  public static ModelWeights load(Checkpoint ckpt, ModelConfig c) {
    int hidden = c.hiddenSize();
    int qDim = c.heads() * c.headDim();
    int kvDim = c.kvHeads() * c.headDim();
    int inter = c.intermediateSize();
    Weight embedding = ckpt.tensor("model.embed_tokens.weight").matrix(c.vocabSize(), hidden);
    List<LayerWeights> layers = new ArrayList<>(c.layers());
    for (int i = 0; i < c.layers(); i++) {
      String p = "model.layers." + i + ".";
      String a = p + "self_attn.";
      String m = p + "mlp.";
      layers.add(new LayerWeights(
          ckpt.tensor(p + "input_layernorm.weight").vector(hidden),
          ckpt.tensor(a + "q_proj.weight").matrix(qDim, hidden),
          c.qkvBias() ? ckpt.tensor(a + "q_proj.bias").vector(qDim) : null,
          ckpt.tensor(a + "k_proj.weight").matrix(kvDim, hidden),
          c.qkvBias() ? ckpt.tensor(a + "k_proj.bias").vector(kvDim) : null,
          ckpt.tensor(a + "v_proj.weight").matrix(kvDim, hidden),
          c.qkvBias() ? ckpt.tensor(a + "v_proj.bias").vector(kvDim) : null,
          ckpt.tensor(a + "o_proj.weight").matrix(hidden, qDim),
          c.outputBias() ? ckpt.tensor(a + "o_proj.bias").vector(hidden) : null,
          c.qkNorm() ? ckpt.tensor(a + "q_norm.weight").vector(c.headDim()) : null,
          c.qkNorm() ? ckpt.tensor(a + "k_norm.weight").vector(c.headDim()) : null,
          ckpt.tensor(p + "post_attention_layernorm.weight").vector(hidden),
          ckpt.tensor(m + "gate_proj.weight").matrix(inter, hidden),
          c.mlpProjectionBias() ? ckpt.tensor(m + "gate_proj.bias").vector(inter) : null,
          ckpt.tensor(m + "up_proj.weight").matrix(inter, hidden),
          c.mlpProjectionBias() ? ckpt.tensor(m + "up_proj.bias").vector(inter) : null,
          ckpt.tensor(m + "down_proj.weight").matrix(hidden, inter),
          c.mlpProjectionBias() ? ckpt.tensor(m + "down_proj.bias").vector(hidden) : null));
    }
    float[] finalNorm = ckpt.tensor("model.norm.weight").vector(hidden);
    Weight lmHead = c.tieWordEmbeddings()
        ? embedding
        : ckpt.tensor("lm_head.weight").matrix(c.vocabSize(), hidden);
    return new ModelWeights(embedding, List.copyOf(layers), finalNorm, lmHead);
  }
}
