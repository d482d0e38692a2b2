package dev.kvrag.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Ids and decoded text against HF tokenizers for pipelines the real files do not exercise (see
 * {@link PipelineVariants}), on 500 random strings that mix scripts, whitespace of every kind,
 * contractions, digits, emoji sequences and added-token spellings. The reference was made with HF
 * tokenizers 0.21.0 (the Rust crate, through DJL's JNI build); README.md beside it says how.
 */
class HfPipelineVariantsTest {

  @TempDir Path dir;

  static Stream<String> variants() throws IOException {
    return PipelineVariants.all().stream().map(PipelineVariants.Variant::name);
  }

  @ParameterizedTest
  @MethodSource("variants")
  void idsAndDecodedTextAreIdenticalToHfTokenizers(String name) throws IOException {
    PipelineVariants.Variant variant =
        PipelineVariants.all().stream()
            .filter(v -> v.name().equals(name))
            .findFirst()
            .orElseThrow();
    Files.writeString(dir.resolve("tokenizer.json"), PipelineVariants.tokenizerJson(variant));
    Tokenizer tokenizer = Tokenizer.load(dir);
    List<String> texts = strings();
    List<JsonNode> expected = reference(name);
    assertEquals(texts.size(), expected.size());

    List<String> failures = new ArrayList<>();
    for (int i = 0; i < texts.size() && failures.size() < 5; i++) {
      JsonNode ref = expected.get(i);
      int[] hfIds = new int[ref.get("ids").size()];
      for (int k = 0; k < hfIds.length; k++) {
        hfIds[k] = ref.get("ids").get(k).asInt();
      }
      int[] ids = tokenizer.encode(texts.get(i));
      if (!Arrays.equals(hfIds, ids)) {
        failures.add("string " + (i + 1) + ": ids differ");
      } else if (!tokenizer.decode(ids).equals(ref.get("decoded").asString())) {
        failures.add("string " + (i + 1) + ": decoded text differs");
      } else if (!tokenizer.decode(ids, true).equals(ref.get("decoded_skip_special").asString())) {
        failures.add("string " + (i + 1) + ": decoded text without special tokens differs");
      }
    }
    assertTrue(failures.isEmpty(), name + ": " + String.join("; ", failures));
  }

  private static List<String> strings() throws IOException {
    List<String> texts = new ArrayList<>();
    try (BufferedReader r = reader("/tokenizer/pipeline-variants-strings.jsonl", false)) {
      for (String line; (line = r.readLine()) != null; ) {
        texts.add(JsonMapper.shared().readTree(line).asString());
      }
    }
    return texts;
  }

  private static List<JsonNode> reference(String variant) throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    try (BufferedReader r = reader("/tokenizer/pipeline-variants-hf-0.21.jsonl.gz", true)) {
      for (String line; (line = r.readLine()) != null; ) {
        JsonNode node = JsonMapper.shared().readTree(line);
        if (node.get("variant").asString().equals(variant)) {
          lines.add(node);
        }
      }
    }
    return lines;
  }

  private static BufferedReader reader(String resource, boolean gzipped) throws IOException {
    var in = PipelineVariants.resource(resource);
    return new BufferedReader(
        new InputStreamReader(gzipped ? new GZIPInputStream(in) : in, StandardCharsets.UTF_8));
  }
}
