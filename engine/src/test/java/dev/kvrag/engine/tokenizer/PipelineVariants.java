package dev.kvrag.engine.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Tokenizer pipelines the real files do not use (Metaspace schemes, Digits, Split behaviors,
 * added-token flags, GPT-2's ByteLevel regex), each made from a real file by replacing sections and
 * appending added tokens as tokenizer/pipeline-variants.json says.
 */
final class PipelineVariants {

  record Variant(String name, String base, JsonNode set, JsonNode appendAddedTokens) {}

  private static final Map<String, ObjectNode> BASES = new HashMap<>();

  private PipelineVariants() {}

  static List<Variant> all() throws IOException {
    List<Variant> variants = new ArrayList<>();
    try (InputStream in = resource("/tokenizer/pipeline-variants.json")) {
      for (JsonNode v : JsonMapper.shared().readTree(in)) {
        variants.add(
            new Variant(
                v.get("name").asString(),
                v.get("base").asString(),
                v.get("set"),
                v.path("append_added_tokens")));
      }
    }
    return variants;
  }

  /** The variant's tokenizer.json text. */
  static String tokenizerJson(Variant variant) throws IOException {
    ObjectNode json = base(variant.base()).deepCopy();
    variant.set().properties().forEach(e -> json.set(e.getKey(), e.getValue()));
    ArrayNode added = (ArrayNode) json.get("added_tokens");
    for (JsonNode token : variant.appendAddedTokens()) {
      added.add(token);
    }
    return json.toString();
  }

  static InputStream resource(String name) {
    InputStream in = PipelineVariants.class.getResourceAsStream(name);
    if (in == null) {
      throw new IllegalStateException("missing test resource " + name);
    }
    return in;
  }

  private static synchronized ObjectNode base(String name) throws IOException {
    ObjectNode base = BASES.get(name);
    if (base == null) {
      try (InputStream in =
          new GZIPInputStream(
              Files.newInputStream(RealTokenizers.dir(name).resolve("tokenizer.json.gz")))) {
        base = (ObjectNode) JsonMapper.shared().readTree(in);
      }
      BASES.put(name, base);
    }
    return base;
  }
}
