package dev.kvrag.engine.model;

import dev.kvrag.engine.compute.DType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a random-weight checkpoint in Hugging Face layout ({@code config.json} + {@code model.safetensors})
 * for a given {@link ModelConfig}: test models for every architecture and benchmark models at real shapes.
 *
 * <p>Weights are drawn large enough that logits are far from uniform (a near-uniform model would make every
 * greedy comparison a coin toss): embeddings N(0, 1), projections N(0, (1.5/√in)²), untied lm_head
 * N(0, (2/√in)²), norm weights 1 + N(0, 0.1²), biases N(0, 0.2²). Each tensor has its own seeded stream, so a
 * checkpoint is reproducible from (config, seed).
 */
public final class RandomCheckpoint {

  private RandomCheckpoint() {
  }

  /** Writes {@code dir/config.json} and {@code dir/model.safetensors}, tensors stored as {@code dtype}. */
  public static void write(Path dir, ModelConfig c, DType dtype, long seed) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("config.json"), configJson(c, dtype));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir, e);
    }
    SafetensorsWriter w = new SafetensorsWriter();
    int hidden = c.hiddenSize();
    int qDim = c.heads() * c.headDim();
    int kvDim = c.kvHeads() * c.headDim();
    int inter = c.intermediateSize();
    gaussian(w, "model.embed_tokens.weight", dtype, seed, 1.0, 0, c.vocabSize(), hidden);
    for (int i = 0; i < c.layers(); i++) {
      String p = "model.layers." + i + ".";
      norm(w, p + "input_layernorm.weight", dtype, seed, hidden);
      matrix(w, p + "self_attn.q_proj", dtype, seed, qDim, hidden, c.qkvBias());
      matrix(w, p + "self_attn.k_proj", dtype, seed, kvDim, hidden, c.qkvBias());
      matrix(w, p + "self_attn.v_proj", dtype, seed, kvDim, hidden, c.qkvBias());
      matrix(w, p + "self_attn.o_proj", dtype, seed, hidden, qDim, c.outputBias());
      if (c.qkNorm()) {
        norm(w, p + "self_attn.q_norm.weight", dtype, seed, c.headDim());
        norm(w, p + "self_attn.k_norm.weight", dtype, seed, c.headDim());
      }
      norm(w, p + "post_attention_layernorm.weight", dtype, seed, hidden);
      matrix(w, p + "mlp.gate_proj", dtype, seed, inter, hidden, c.mlpProjectionBias());
      matrix(w, p + "mlp.up_proj", dtype, seed, inter, hidden, c.mlpProjectionBias());
      matrix(w, p + "mlp.down_proj", dtype, seed, hidden, inter, c.mlpProjectionBias());
    }
    norm(w, "model.norm.weight", dtype, seed, hidden);
    if (!c.tieWordEmbeddings()) {
      gaussian(w, "lm_head.weight", dtype, seed, 2.0 / Math.sqrt(hidden), 0, c.vocabSize(), hidden);
    }
    w.write(dir.resolve("model.safetensors"));
  }

  private static void matrix(SafetensorsWriter w, String prefix, DType dtype, long seed, int rows, int cols,
                             boolean bias) {
    gaussian(w, prefix + ".weight", dtype, seed, 1.5 / Math.sqrt(cols), 0, rows, cols);
    if (bias) {
      gaussian(w, prefix + ".bias", dtype, seed, 0.2, 0, rows);
    }
  }

  private static void norm(SafetensorsWriter w, String name, DType dtype, long seed, int dim) {
    gaussian(w, name, dtype, seed, 0.1, 1.0, dim);
  }

  private static void gaussian(SafetensorsWriter w, String name, DType dtype, long seed, double std, double mean,
                               long... shape) {
    SplittableRandom random = new SplittableRandom(seed * 31 + name.hashCode());
    w.add(name, dtype, shape, i -> (float) (mean + std * random.nextGaussian()));
  }

  /** An HF-style config.json for {@code c} (transformers 5 spelling: {@code rope_parameters}, {@code dtype}). */
  public static String configJson(ModelConfig c, DType dtype) {
    ObjectNode root = JsonMapper.builder().build().createObjectNode();
    root.putArray("architectures").add(c.architecture().hfName());
    root.put("model_type", switch (c.architecture()) {
      case LLAMA -> "llama";
      case MISTRAL -> "mistral";
      case QWEN2 -> "qwen2";
      case QWEN3 -> "qwen3";
    });
    root.put("hidden_size", c.hiddenSize());
    root.put("intermediate_size", c.intermediateSize());
    root.put("num_hidden_layers", c.layers());
    root.put("num_attention_heads", c.heads());
    root.put("num_key_value_heads", c.kvHeads());
    root.put("head_dim", c.headDim());
    root.put("vocab_size", c.vocabSize());
    root.put("rms_norm_eps", c.rmsNormEps());
    root.put("tie_word_embeddings", c.tieWordEmbeddings());
    root.put("attention_bias", c.attentionBias());
    root.put("mlp_bias", c.mlpBias());
    root.put("dtype", dtype.torchName());
    root.put("max_position_embeddings", 32768);
    ObjectNode rope = root.putObject("rope_parameters");
    Rope r = c.rope();
    rope.put("rope_theta", r.theta());
    if (r.type() == Rope.Type.LLAMA3) {
      rope.put("rope_type", "llama3");
      rope.put("factor", r.factor());
      rope.put("low_freq_factor", r.lowFreqFactor());
      rope.put("high_freq_factor", r.highFreqFactor());
      rope.put("original_max_position_embeddings", r.originalMaxPositions());
    } else {
      rope.put("rope_type", "default");
    }
    int window = 0;
    for (int wdw : c.slidingWindows()) {
      window = Math.max(window, wdw);
    }
    if (window > 0) {
      root.put("sliding_window", window);
      var types = root.putArray("layer_types");
      for (int wdw : c.slidingWindows()) {
        types.add(wdw > 0 ? "sliding_attention" : "full_attention");
      }
    }
    c.bosTokenId().ifPresent(id -> root.put("bos_token_id", id));
    if (c.eosTokenIds().length == 1) {
      root.put("eos_token_id", c.eosTokenIds()[0]);
    } else if (c.eosTokenIds().length > 1) {
      var eos = root.putArray("eos_token_id");
      for (int id : c.eosTokenIds()) {
        eos.add(id);
      }
    }
    return root.toPrettyString();
  }
}
