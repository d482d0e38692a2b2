package dev.kvrag.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.engine.compute.DType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

class ModelConfigTest {

  static ModelConfig parse(String json) {
    return ModelConfig.parse(JsonMapper.builder().build().readTree(json), "config.json");
  }

  static String llama(String extra) {
    return """
        {"architectures": ["LlamaForCausalLM"], "hidden_size": 64, "intermediate_size": 128,
         "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 100
        """ + extra + "}";
  }

  @Test
  void transformers5RopeParametersAreRead() {
    ModelConfig c = parse(llama("""
        , "rope_parameters": {"rope_type": "llama3", "rope_theta": 500000.0, "factor": 8.0,
          "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}
        """));
    assertEquals(Rope.llama3(500000, 8, 1, 4, 8192), c.rope());
  }

  @Test
  void olderTopLevelRopeThetaAndRopeScalingAreRead() {
    ModelConfig c = parse(llama("""
        , "rope_theta": 500000.0, "rope_scaling": {"type": "llama3", "factor": 32.0, "low_freq_factor": 1.0,
          "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}
        """));
    assertEquals(Rope.llama3(500000, 32, 1, 4, 8192), c.rope());
    assertEquals(Rope.plain(10000), parse(llama(", \"rope_scaling\": null")).rope());
    assertEquals(Rope.plain(1e6), parse(llama(", \"rope_theta\": 1000000.0")).rope());
  }

  @Test
  void headDimDefaultsToHiddenOverHeadsAndMayBeExplicitOrNull() {
    assertEquals(16, parse(llama("")).headDim());
    assertEquals(16, parse(llama(", \"head_dim\": null")).headDim());
    assertEquals(32, parse(llama(", \"head_dim\": 32")).headDim());
  }

  @Test
  void dtypeMayBeSpelledDtypeOrTorchDtype() {
    assertEquals(DType.BF16, parse(llama(", \"dtype\": \"bfloat16\"")).dtype());
    assertEquals(DType.F16, parse(llama(", \"torch_dtype\": \"float16\"")).dtype());
    assertNull(parse(llama("")).dtype());
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> parse(llama(", \"dtype\": \"int8\"")));
    assertTrue(e.getMessage().contains("unsupported dtype int8"), e.getMessage());
  }

  @Test
  void unknownArchitectureIsNamedWithTheSupportedOnes() {
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> parse(llama("").replace("LlamaForCausalLM", "GPT2LMHeadModel")));
    assertTrue(e.getMessage().contains("unsupported architecture GPT2LMHeadModel"), e.getMessage());
    assertTrue(e.getMessage().contains("Qwen3ForCausalLM"), e.getMessage());
  }

  @Test
  void unsupportedRopeTypeAndMissingFieldsAreNamed() {
    ModelFormatException rope = assertThrows(ModelFormatException.class,
        () -> parse(llama(", \"rope_parameters\": {\"rope_type\": \"yarn\", \"rope_theta\": 1.0}")));
    assertTrue(rope.getMessage().contains("rope_type yarn"), rope.getMessage());
    ModelFormatException missing = assertThrows(ModelFormatException.class,
        () -> parse(llama("").replace("\"vocab_size\": 100", "\"vocab\": 100")));
    assertTrue(missing.getMessage().contains("\"vocab_size\""), missing.getMessage());
  }

  @Test
  void biasesFollowEachArchitecture() {
    ModelConfig qwen2 = parse(llama("").replace("LlamaForCausalLM", "Qwen2ForCausalLM"));
    assertTrue(qwen2.qkvBias() && !qwen2.outputBias() && !qwen2.mlpProjectionBias());
    ModelConfig llama = parse(llama(", \"attention_bias\": true, \"mlp_bias\": true"));
    assertTrue(llama.qkvBias() && llama.outputBias() && llama.mlpProjectionBias());
    ModelConfig mistral = parse(llama(", \"attention_bias\": true").replace("Llama", "Mistral"));
    assertTrue(!mistral.qkvBias() && !mistral.outputBias());
    assertTrue(parse(llama("").replace("Llama", "Qwen3")).qkNorm());
  }

  @Test
  void slidingWindowsComeFromLayerTypesOrTheArchitectureDefaults() {
    assertArrayEquals(new int[] {0, 0}, parse(llama(", \"sliding_window\": 4096")).slidingWindows());
    assertArrayEquals(new int[] {4096, 4096},
        parse(llama(", \"sliding_window\": 4096").replace("Llama", "Mistral")).slidingWindows());
    assertArrayEquals(new int[] {0, 0},
        parse(llama(", \"sliding_window\": null").replace("Llama", "Mistral")).slidingWindows());
    assertArrayEquals(new int[] {0, 64}, parse(llama(
        ", \"sliding_window\": 64, \"use_sliding_window\": true, \"max_window_layers\": 1").replace("Llama", "Qwen2"))
        .slidingWindows());
    assertArrayEquals(new int[] {64, 0}, parse(llama(
        ", \"sliding_window\": 64, \"layer_types\": [\"sliding_attention\", \"full_attention\"]")).slidingWindows());
  }

  @Test
  void eosIdsMayBeOneOrMany() {
    assertArrayEquals(new int[] {2}, parse(llama(", \"eos_token_id\": 2")).eosTokenIds());
    assertArrayEquals(new int[] {128001, 128009}, parse(llama(", \"eos_token_id\": [128001, 128009]")).eosTokenIds());
  }

  @Test
  void missingOrBrokenConfigFileIsNamed(@TempDir Path dir) throws Exception {
    ModelFormatException missing = assertThrows(ModelFormatException.class, () -> ModelConfig.read(dir));
    assertTrue(missing.getMessage().contains("missing file") && missing.getMessage().contains("config.json"));
    Files.writeString(dir.resolve("config.json"), "{\"architectures\": [");
    ModelFormatException broken = assertThrows(ModelFormatException.class, () -> ModelConfig.read(dir));
    assertTrue(broken.getMessage().contains("not valid JSON"), broken.getMessage());
  }

  @Test
  void randomCheckpointConfigsReadBackEqual(@TempDir Path dir) throws Exception {
    for (String name : new String[] {"llama", "mistral", "qwen2", "qwen3"}) {
      ModelConfig c = TestModels.config(name);
      Files.writeString(dir.resolve("config.json"), RandomCheckpoint.configJson(c, c.dtype()));
      ModelConfig back = ModelConfig.read(dir);
      assertEquals(c.architecture(), back.architecture());
      assertEquals(c.rope(), back.rope());
      assertEquals(c.headDim(), back.headDim());
      assertEquals(c.rmsNormEps(), back.rmsNormEps());
      assertArrayEquals(c.slidingWindows(), back.slidingWindows());
      assertEquals(c.tieWordEmbeddings(), back.tieWordEmbeddings());
      assertEquals(c.qkvBias(), back.qkvBias());
    }
  }
}
