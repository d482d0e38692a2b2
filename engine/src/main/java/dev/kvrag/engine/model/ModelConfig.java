package dev.kvrag.engine.model;

import dev.kvrag.engine.compute.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalInt;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The model hyper-parameters from a Hugging Face {@code config.json}: the one place that reads it.
 *
 * <p>Accepts both RoPE spellings: transformers 5.x writes {@code rope_parameters} ({@code rope_type},
 * {@code rope_theta}, scaling keys), older versions a top-level {@code rope_theta} plus {@code rope_scaling}.
 * The dtype key is {@code dtype} (5.x) or {@code torch_dtype}. {@code head_dim} absent or null means
 * {@code hidden_size / num_attention_heads}.
 *
 * @param slidingWindows per layer, the attention window in tokens, 0 for full attention
 * @param dtype the dtype config.json declares, or null; the tensors' own dtypes are what the kernels read
 */
public record ModelConfig(
    Architecture architecture,
    int hiddenSize,
    int intermediateSize,
    int layers,
    int heads,
    int kvHeads,
    int headDim,
    int vocabSize,
    float rmsNormEps,
    Rope rope,
    boolean tieWordEmbeddings,
    boolean attentionBias,
    boolean mlpBias,
    DType dtype,
    int[] slidingWindows,
    OptionalInt bosTokenId,
    int[] eosTokenIds) {

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  public ModelConfig {
    if (heads % kvHeads != 0) {
      throw new ModelFormatException("num_attention_heads " + heads + " is not a multiple of num_key_value_heads "
          + kvHeads);
    }
    if (headDim % 2 != 0) {
      throw new ModelFormatException("head_dim " + headDim + " must be even for rotary embeddings");
    }
    if (slidingWindows.length != layers) {
      throw new ModelFormatException("layer_types lists " + slidingWindows.length + " layers, num_hidden_layers is "
          + layers);
    }
  }

  /** Whether q, k, v projections carry a bias. */
  public boolean qkvBias() {
    return switch (architecture) {
      case QWEN2 -> true;
      case MISTRAL -> false;
      case LLAMA, QWEN3 -> attentionBias;
    };
  }

  /** Whether the attention output projection carries a bias. */
  public boolean outputBias() {
    return switch (architecture) {
      case QWEN2, MISTRAL -> false;
      case LLAMA, QWEN3 -> attentionBias;
    };
  }

  /** Whether gate/up/down projections carry a bias. */
  public boolean mlpProjectionBias() {
    return architecture == Architecture.LLAMA && mlpBias;
  }

  public boolean qkNorm() {
    return architecture.hasQkNorm();
  }

  /** Reads {@code dir/config.json}. */
  public static ModelConfig read(Path dir) {
    Path file = dir.resolve("config.json");
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ModelFormatException("missing file " + file);
    } catch (IOException e) {
      throw new ModelFormatException("cannot read " + file + ": " + e.getMessage(), e);
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JacksonException e) {
      throw new ModelFormatException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
    return parse(root, file.toString());
  }

  static ModelConfig parse(JsonNode root, String source) {
    Fields f = new Fields(root, source);
    JsonNode archs = root.path("architectures");
    if (!archs.isArray() || archs.isEmpty() || !archs.get(0).isString()) {
      throw new ModelFormatException(source + ": missing \"architectures\" (e.g. [\"LlamaForCausalLM\"])");
    }
    Architecture arch = Architecture.fromHfName(archs.get(0).stringValue());
    int hidden = f.requiredInt("hidden_size");
    int heads = f.requiredInt("num_attention_heads");
    int kvHeads = f.optionalInt("num_key_value_heads", heads);
    int headDim = f.optionalInt("head_dim", -1);
    if (headDim < 0) {
      if (hidden % heads != 0) {
        throw new ModelFormatException(source + ": hidden_size " + hidden + " is not divisible by num_attention_heads "
            + heads + " and no head_dim is given");
      }
      headDim = hidden / heads;
    }
    int layers = f.requiredInt("num_hidden_layers");
    String dtypeName = f.optionalString("dtype", f.optionalString("torch_dtype", null));
    DType dtype = null;
    if (dtypeName != null) {
      dtype = DType.fromTorchName(dtypeName);
      if (dtype == null) {
        throw new ModelFormatException(source + ": unsupported dtype " + dtypeName
            + " (supported: bfloat16, float16, float32)");
      }
    }
    return new ModelConfig(
        arch,
        hidden,
        f.requiredInt("intermediate_size"),
        layers,
        heads,
        kvHeads,
        headDim,
        f.requiredInt("vocab_size"),
        (float) f.optionalDouble("rms_norm_eps", 1e-6),
        rope(root, f, source),
        f.optionalBoolean("tie_word_embeddings", false),
        f.optionalBoolean("attention_bias", false),
        f.optionalBoolean("mlp_bias", false),
        dtype,
        slidingWindows(root, f, arch, layers, source),
        f.optionalInt("bos_token_id", -1) < 0 ? OptionalInt.empty() : OptionalInt.of(f.optionalInt("bos_token_id", -1)),
        eosIds(root.path("eos_token_id"), source));
  }

  private static Rope rope(JsonNode root, Fields f, String source) {
    JsonNode params = root.path("rope_parameters");
    JsonNode scaling = root.path("rope_scaling");
    double theta = f.optionalDouble("rope_theta", 10000.0);
    JsonNode settings;
    if (params.isObject()) {
      settings = params;
      if (params.has("rope_theta")) {
        theta = params.get("rope_theta").asDouble();
      }
    } else if (scaling.isObject()) {
      settings = scaling;
    } else {
      return Rope.plain(theta);
    }
    String type = settings.path("rope_type").asString(settings.path("type").asString("default"));
    Fields s = new Fields(settings, source + " rope settings");
    return switch (type) {
      case "default" -> Rope.plain(theta);
      case "llama3" -> Rope.llama3(theta, s.requiredDouble("factor"), s.requiredDouble("low_freq_factor"),
          s.requiredDouble("high_freq_factor"), s.requiredInt("original_max_position_embeddings"));
      default -> throw new ModelFormatException(source + ": unsupported rope_type " + type
          + " (supported: default, llama3)");
    };
  }

  private static int[] slidingWindows(JsonNode root, Fields f, Architecture arch, int layers, String source) {
    int window = f.optionalInt("sliding_window", 0);
    int[] windows = new int[layers];
    JsonNode types = root.path("layer_types");
    if (types.isArray()) {
      if (types.size() != layers) {
        throw new ModelFormatException(source + ": layer_types lists " + types.size() + " layers, num_hidden_layers is "
            + layers);
      }
      for (int i = 0; i < layers; i++) {
        String t = types.get(i).asString("");
        switch (t) {
          case "full_attention" -> windows[i] = 0;
          case "sliding_attention" -> {
            if (window <= 0) {
              throw new ModelFormatException(source + ": layer " + i + " uses sliding_attention but sliding_window is "
                  + "not set");
            }
            windows[i] = window;
          }
          default -> throw new ModelFormatException(source + ": unsupported layer type " + t + " at layer " + i);
        }
      }
      return windows;
    }
    if (window <= 0) {
      return windows;
    }
    switch (arch) {
      case MISTRAL -> Arrays.fill(windows, window);
      case QWEN2, QWEN3 -> {
        if (f.optionalBoolean("use_sliding_window", false)) {
          int from = f.optionalInt("max_window_layers", layers);
          for (int i = from; i < layers; i++) {
            windows[i] = window;
          }
        }
      }
      case LLAMA -> { }
    }
    return windows;
  }

  private static int[] eosIds(JsonNode node, String source) {
    if (node.isMissingNode() || node.isNull()) {
      return new int[0];
    }
    if (node.isIntegralNumber()) {
      return new int[] {node.intValue()};
    }
    if (node.isArray()) {
      int[] ids = new int[node.size()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = node.get(i).asInt();
      }
      return ids;
    }
    throw new ModelFormatException(source + ": eos_token_id must be an integer or a list of integers");
  }

  /** Typed access with messages that name the file and key. */
  private record Fields(JsonNode node, String source) {

    int requiredInt(String key) {
      JsonNode v = node.path(key);
      if (!v.isIntegralNumber()) {
        throw new ModelFormatException(source + ": missing or non-integer \"" + key + "\"");
      }
      int value = v.intValue();
      if (value <= 0) {
        throw new ModelFormatException(source + ": \"" + key + "\" must be positive, got " + value);
      }
      return value;
    }

    int optionalInt(String key, int fallback) {
      JsonNode v = node.path(key);
      if (v.isMissingNode() || v.isNull()) {
        return fallback;
      }
      if (!v.isIntegralNumber()) {
        throw new ModelFormatException(source + ": \"" + key + "\" must be an integer");
      }
      return v.intValue();
    }

    double requiredDouble(String key) {
      JsonNode v = node.path(key);
      if (!v.isNumber()) {
        throw new ModelFormatException(source + ": missing or non-numeric \"" + key + "\"");
      }
      return v.asDouble();
    }

    double optionalDouble(String key, double fallback) {
      JsonNode v = node.path(key);
      if (v.isMissingNode() || v.isNull()) {
        return fallback;
      }
      if (!v.isNumber()) {
        throw new ModelFormatException(source + ": \"" + key + "\" must be a number");
      }
      return v.asDouble();
    }

    boolean optionalBoolean(String key, boolean fallback) {
      JsonNode v = node.path(key);
      if (v.isMissingNode() || v.isNull()) {
        return fallback;
      }
      if (!v.isBoolean()) {
        throw new ModelFormatException(source + ": \"" + key + "\" must be true or false");
      }
      return v.booleanValue();
    }

    String optionalString(String key, String fallback) {
      JsonNode v = node.path(key);
      return v.isString() ? v.stringValue() : fallback;
    }
  }
}
