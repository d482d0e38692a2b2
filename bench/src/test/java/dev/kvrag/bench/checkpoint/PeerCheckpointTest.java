package dev.kvrag.bench.checkpoint;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeerCheckpointTest {

    /** Qwen2 in miniature: GQA (4 heads over 2 kv heads), biases, tied embeddings. */
    private static final Qwen2Shape TINY = new Qwen2Shape(64, 2, 4, 2, 96, 512, 256, 1_000_000.0, 1e-6, 500, 500);

    @TempDir
    Path dir;

    private static Path repoTokenizers() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve(PeerCheckpoint.DEFAULT_TOKENIZER);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("models/tokenizers/qwen3 not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void writesAHuggingFaceDirectoryWithEveryTensorOfTheShape() throws Exception {
        long size = PeerCheckpoint.write(dir, TINY, 7, repoTokenizers());

        Set<String> files = new HashSet<>();
        try (var list = Files.list(dir)) {
            list.forEach(p -> files.add(p.getFileName().toString()));
        }
        assertEquals(Set.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"), files);
        SafetensorsReader r = SafetensorsReader.open(dir.resolve("model.safetensors"));
        assertEquals(Files.size(dir.resolve("model.safetensors")), size);
        assertEquals(Qwen2Layout.tensors(TINY).stream().map(TensorSpec::name).toList(), r.tensorNames());
        for (TensorSpec t : Qwen2Layout.tensors(TINY)) {
            assertEquals(t.shape(), r.shape(t.name()), t.name());
        }
        long offset = 0;
        for (String name : r.tensorNames()) {
            assertEquals(offset, r.begin(name), name + " starts where the previous tensor ended");
            offset = r.end(name);
        }
        assertEquals(8 + r.headerLength() + offset, size);
        assertEquals(0, (8 + r.headerLength()) % 8, "data 8-byte aligned");
    }

    @Test
    void configCarriesTheFieldsTransformersAndJlamaRead() throws Exception {
        Qwen2ConfigJson.write(dir.resolve("config.json"), Qwen2Shape.qwen25HalfB());
        JsonNode c = JsonMapper.builder().build().readTree(dir.resolve("config.json").toFile());
        assertEquals("Qwen2ForCausalLM", c.get("architectures").get(0).asString());
        assertEquals("qwen2", c.get("model_type").asString());
        assertEquals(896, c.get("hidden_size").asInt());
        assertEquals(24, c.get("num_hidden_layers").asInt());
        assertEquals(14, c.get("num_attention_heads").asInt());
        assertEquals(2, c.get("num_key_value_heads").asInt());
        assertEquals(4864, c.get("intermediate_size").asInt());
        assertEquals(151936, c.get("vocab_size").asInt());
        assertEquals(32768, c.get("max_position_embeddings").asInt());
        assertEquals(1e6, c.get("rope_theta").asDouble());
        assertEquals(1e-6, c.get("rms_norm_eps").asDouble());
        assertTrue(c.get("tie_word_embeddings").asBoolean());
        assertEquals("bfloat16", c.get("torch_dtype").asString());
        assertEquals("silu", c.get("hidden_act").asString());
        assertTrue(c.get("eos_token_id").isInt(), "Jlama's Qwen2Config reads eos_token_id as one int");
    }

    @Test
    void tokenizerJsonIsTheRealDecompressedQwenVocabulary() throws Exception {
        PeerCheckpoint.write(dir, TINY, 7, repoTokenizers());
        JsonNode tok = JsonMapper.builder().build().readTree(dir.resolve("tokenizer.json").toFile());
        assertEquals("BPE", tok.get("model").get("type").asString());
        assertEquals(151643, tok.get("model").get("vocab").size());
        assertEquals(151643, tok.get("added_tokens").get(0).get("id").asInt());
        assertTrue(Files.size(dir.resolve("tokenizer_config.json")) > 0);
    }

    @Test
    void weightsFollowTheirInitialDistributions() throws Exception {
        PeerCheckpoint.write(dir, TINY, 7, repoTokenizers());
        SafetensorsReader r = SafetensorsReader.open(dir.resolve("model.safetensors"));
        double[] embed = meanAndStd(r.bf16Values("model.embed_tokens.weight")); // 32,768 draws
        assertEquals(0.0, embed[0], 0.0005);
        assertEquals(0.02, embed[1], 0.0005);
        double[] norm = meanAndStd(r.bf16Values("model.layers.1.input_layernorm.weight"));
        assertEquals(1.0, norm[0], 0.01);
    }

    @Test
    void theSameSeedWritesTheSameBytesAndAnotherSeedDoesNot() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Path c = dir.resolve("c");
        PeerCheckpoint.write(a, TINY, 7, repoTokenizers());
        PeerCheckpoint.write(b, TINY, 7, repoTokenizers());
        PeerCheckpoint.write(c, TINY, 8, repoTokenizers());
        byte[] bytesA = Files.readAllBytes(a.resolve("model.safetensors"));
        assertArrayEquals(bytesA, Files.readAllBytes(b.resolve("model.safetensors")));
        assertFalse(java.util.Arrays.equals(
                SafetensorsReader.open(a.resolve("model.safetensors")).bf16Values("model.norm.weight"),
                SafetensorsReader.open(c.resolve("model.safetensors")).bf16Values("model.norm.weight")));
    }

    @Test
    void aTensorsValuesDoNotDependOnTheTensorsBeforeIt() {
        TensorSpec t = new TensorSpec("model.layers.3.mlp.up_proj.weight", List.of(4), 0, 0.02);
        double first = PeerCheckpoint.normal(t, 7).getAsDouble();
        PeerCheckpoint.normal(new TensorSpec("other", List.of(4), 0, 0.02), 7).getAsDouble();
        assertEquals(first, PeerCheckpoint.normal(t, 7).getAsDouble());
    }

    @Test
    void aMissingTokenizerSourceIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PeerCheckpoint.write(dir.resolve("m"), TINY, 7, dir.resolve("nowhere")));
        assertTrue(e.getMessage().contains("no tokenizer.json or tokenizer.json.gz in"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("m/model.safetensors")));
    }

    private static double[] meanAndStd(float[] xs) {
        double sum = 0;
        double sq = 0;
        for (float x : xs) {
            sum += x;
            sq += (double) x * x;
        }
        double mean = sum / xs.length;
        return new double[] {mean, Math.sqrt(sq / xs.length - mean * mean)};
    }
}
