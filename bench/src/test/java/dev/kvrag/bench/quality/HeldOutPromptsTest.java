package dev.kvrag.bench.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class HeldOutPromptsTest {

  static final Path MODEL = Path.of("../models/demo");

  @TempDir
  Path dir;

  record Run(int status, String out, String err) {
  }

  static Run run(String... args) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = HeldOutPrompts.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void badArgumentsAreAUsageErrorThatWritesNothing() throws IOException {
    Path file = dir.resolve("p.json");
    Run seed = run(MODEL.toString(), "seven", "10", file.toString());
    assertEquals(2, seed.status());
    assertTrue(seed.err().contains("SEED and QUESTIONS must be whole numbers, got 'seven'"), seed.err());
    Run none = run(MODEL.toString(), "7", "0", file.toString());
    assertEquals(2, none.status());
    assertTrue(none.err().contains("at least 1"), none.err());
    Run mix = run(MODEL.toString(), "7", "10", file.toString(), "no-such-mix");
    assertEquals(2, mix.status());
    assertTrue(mix.err().contains("with-bridged"), mix.err());
    assertEquals(2, run(MODEL.toString(), "7").status());
    assertFalse(Files.exists(file));
  }

  @Test
  void eachPromptListsTheChunksThatNeverNameTheirSubject() throws IOException {
    Path file = dir.resolve("p.json");
    Run run = run(MODEL.toString(), "777", "40", file.toString(), "with-bridged");
    assertEquals(0, run.status(), run.err());
    JsonNode prompts = JsonMapper.builder().build().readTree(Files.readString(file)).get("prompts");
    assertEquals(40, prompts.size());
    int crossChunk = 0;
    for (JsonNode p : prompts) {
      int chunks = p.get("chunks").size();
      p.get("unnamed").forEach(i -> assertTrue(i.asInt() >= 0 && i.asInt() < chunks, p.toString()));
      if (p.get("kind").asString().equals("cross_chunk")) {
        // the answer's chunk says only "It": every cross_chunk context holds one
        crossChunk++;
        assertFalse(p.get("unnamed").isEmpty(), p.get("id").asString());
      }
    }
    assertTrue(crossChunk > 0, "no cross_chunk question among 40");
  }
}
