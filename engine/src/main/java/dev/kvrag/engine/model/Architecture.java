package dev.kvrag.engine.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The decoder-only families the engine runs, keyed by config.json {@code architectures[0]}. They share one
 * forward pass (RMSNorm, RoPE, GQA attention, SwiGLU MLP) and differ only in which projections carry a bias
 * and whether q/k are RMS-normalised per head.
 */
public enum Architecture {
  /** Llama 2/3: optional bias on q/k/v/o ({@code attention_bias}) and on the MLP ({@code mlp_bias}). */
  LLAMA("LlamaForCausalLM"),
  /** Mistral: no biases, explicit {@code head_dim}, optional sliding window. */
  MISTRAL("MistralForCausalLM"),
  /** Qwen2: bias on q/k/v (never on o), usually tied embeddings. */
  QWEN2("Qwen2ForCausalLM"),
  /** Qwen3: RMSNorm over each head of q and k before RoPE, optional {@code attention_bias} on q/k/v/o. */
  QWEN3("Qwen3ForCausalLM");

  private final String hfName;

  Architecture(String hfName) {
    this.hfName = hfName;
  }

  public String hfName() {
    return hfName;
  }

  public static Architecture fromHfName(String name) {
    for (Architecture a : values()) {
      if (a.hfName.equals(name)) {
        return a;
      }
    }
    throw new ModelFormatException("unsupported architecture " + name + " (supported: "
        + Arrays.stream(values()).map(Architecture::hfName).collect(Collectors.joining(", ")) + ")");
  }

  boolean hasQkNorm() {
    return this == QWEN3;
  }
}
