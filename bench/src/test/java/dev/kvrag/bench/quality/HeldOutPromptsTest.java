package dev.kvrag.bench.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.bench.CommandRun;
import java.io.IOException;
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

  static CommandRun run(String... args) throws IOException {
    return CommandRun.of((out, err) -> HeldOutPrompts.run(args, out, err));
  }

  @Test
  void badArgumentsAreAUsageErrorThatWritesNothing() throws IOException {
    Path file = dir.resolve("p.json");
    CommandRun seed = run(MODEL.toString(), "seven", "10", file.toString());
    assertEquals(2, seed.status());
    assertTrue(seed.err().contains("SEED and QUESTIONS must be whole numbers, got 'seven'"), seed.err());
    CommandRun none = run(MODEL.toString(), "7", "0", file.toString());
    assertEquals(2, none.status());
    assertTrue(none.err().contains("at least 1"), none.err());
    CommandRun mix = run(MODEL.toString(), "7", "10", file.toString(), "no-such-mix");
    assertEquals(2, mix.status());
    assertTrue(mix.err().contains("with-bridged"), mix.err());
    assertEquals(2, run(MODEL.toString(), "7").status());
    assertFalse(Files.exists(file));
  }

  @Test
  void eachPromptListsTheChunksThatNeverNameTheirSubject() throws IOException {
    Path file = dir.resolve("p.json");
    CommandRun run = run(MODEL.toString(), "777", "40", file.toString(), "with-bridged");
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
