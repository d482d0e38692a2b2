package dev.kvrag.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Ids and decoded text against HF tokenizers on the real files (fixtures/tokenizer, made by
 * bench/fixtures/make_engine_fixtures.py with {@code Tokenizer.from_str(...).encode(s,
 * add_special_tokens=False)} and {@code decode(ids, skip_special_tokens=False)}).
 */
class HfReferenceFixturesTest {

  @ParameterizedTest
  @ValueSource(strings = {"qwen3", "llama3", "llama2"})
  void idsAndDecodedTextAreIdenticalToHfTokenizers(String name) throws IOException {
    Tokenizer tokenizer = RealTokenizers.get(name);
    List<JsonNode> strings = jsonLines("strings.jsonl");
    List<JsonNode> expected = jsonLines(name + ".jsonl");
    assertEquals(strings.size(), expected.size(), "fixture files disagree in length");
    assertTrue(strings.size() >= 150, "expected at least 150 reference strings");

    List<String> failures = new ArrayList<>();
    for (int i = 0; i < strings.size(); i++) {
      String text = strings.get(i).asString();
      JsonNode reference = expected.get(i);
      int[] hfIds = ints(reference.get("ids"));
      int[] ids = tokenizer.encode(text);
      if (!java.util.Arrays.equals(hfIds, ids)) {
        failures.add(
            "line "
                + (i + 1)
                + " "
                + quoted(text)
                + "\n  hf:   "
                + java.util.Arrays.toString(hfIds)
                + "\n  ours: "
                + java.util.Arrays.toString(ids));
        continue;
      }
      String decoded = tokenizer.decode(hfIds);
      if (!decoded.equals(reference.get("decoded").asString())) {
        failures.add(
            "line "
                + (i + 1)
                + " decode "
                + quoted(text)
                + "\n  hf:   "
                + quoted(reference.get("decoded").asString())
                + "\n  ours: "
                + quoted(decoded));
      }
      if (reference.get("roundtrip").asBoolean() && !tokenizer.decode(ids).equals(text)) {
        failures.add("line " + (i + 1) + " does not round-trip: " + quoted(text));
      }
    }
    assertTrue(
        failures.isEmpty(), failures.size() + " mismatches:\n" + String.join("\n", failures));
  }

  private static List<JsonNode> jsonLines(String file) throws IOException {
    String resource = "/fixtures/tokenizer/" + file;
    try (InputStream in = HfReferenceFixturesTest.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + resource);
      }
      List<JsonNode> lines = new ArrayList<>();
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = reader.readLine()) != null; ) {
        if (!line.isBlank()) {
          lines.add(JsonMapper.shared().readTree(line));
        }
      }
      return lines;
    }
  }

  private static int[] ints(JsonNode array) {
    int[] ids = new int[array.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = array.get(i).asInt();
    }
    return ids;
  }

  private static String quoted(String s) {
    StringBuilder b = new StringBuilder("\"");
    s.codePoints()
        .forEach(
            cp -> {
              if (cp < 0x20 || cp == 0x7F) {
                b.append(String.format("\\u%04x", cp));
              } else {
                b.appendCodePoint(cp);
              }
            });
    return b.append('"').toString();
  }
}
