package dev.kvrag.engine.cli;

import static dev.kvrag.engine.cli.EngineCliTest.assertOneLineError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.engine.model.NpyReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code ./kvrag fuse} end to end, in-process: the files it writes and its one-line errors. */
class FuseCommandTest {

  static final Path LLAMA = FuseFixturesTest.FIXTURES.resolve("llama-bf16");

  @TempDir
  Path tmp;

  @Test
  void writesOneNpyPerCaseMatchingTheReference() throws IOException {
    // one case of each base mode, two with SnapKV
    List<String> all = Files.readAllLines(LLAMA.resolve("cases.jsonl"));
    int[] picks = {0, 1, 2, 6, 17, 21, 25, 30};
    List<String> lines = new ArrayList<>();
    for (int p : picks) {
      lines.add(all.get(p));
    }
    Path cases = tmp.resolve("cases.jsonl");
    Files.writeString(cases, String.join("\n", lines) + "\n\n\n");
    Path out = tmp.resolve("out");
    EngineCliTest.Result r = EngineCliTest.run("", "fuse", "--model", LLAMA.toString(), "--cases", cases.toString(),
        "--out", out.toString(), "--threads", "2");
    assertEquals(0, r.status(), r.err());
    assertEquals("fuse: 8 cases -> " + out + "\n", r.out());
    for (int i = 0; i < picks.length; i++) {
      NpyReader ours = NpyReader.read(out.resolve(i + ".npy"));
      NpyReader ref = NpyReader.read(LLAMA.resolve("expected/" + picks[i] + ".npy"));
      assertArrayEquals(ref.shape(), ours.shape());
      double err = FuseFixturesTest.worstRowError(ours.data(), ref.data(), ref.shape()[0], ref.shape()[1]);
      assertTrue(err <= FuseFixturesTest.TOLERANCE, "case " + picks[i] + ": " + err);
    }
  }

  @Test
  void int8StoredKvStaysCloseButIsNotExact() throws IOException {
    List<String> all = Files.readAllLines(LLAMA.resolve("cases.jsonl"));
    Path cases = tmp.resolve("cases.jsonl");
    Files.write(cases, List.of(all.get(2)));
    Path out = tmp.resolve("out");
    EngineCliTest.Result r = EngineCliTest.run("", "fuse", "--model", LLAMA.toString(), "--cases", cases.toString(),
        "--out", out.toString(), "--kv-encoding", "int8");
    assertEquals(0, r.status(), r.err());
    NpyReader ours = NpyReader.read(out.resolve("0.npy"));
    NpyReader ref = NpyReader.read(LLAMA.resolve("expected/2.npy"));
    double err = FuseFixturesTest.worstRowError(ours.data(), ref.data(), ref.shape()[0], ref.shape()[1]);
    assertTrue(err > 1e-5 && err < 0.05, "naive over int8 KV: " + err);
  }

  @Test
  void everyReferenceErrorCaseIsOneLineNamingTheCaseAndTheProblem() throws IOException {
    JsonMapper json = JsonMapper.builder().build();
    List<String> lines = Files.readAllLines(FuseFixturesTest.FIXTURES.resolve("errors.jsonl"));
    assertEquals(7, lines.size());
    for (String line : lines) {
      JsonNode e = json.readTree(line);
      // the bad case on line 2, after two good ones
      String good = Files.readAllLines(LLAMA.resolve("cases.jsonl")).getFirst();
      Path cases = tmp.resolve("errors.jsonl");
      Files.write(cases, List.of(good, good, e.get("case").toString()));
      Path out = tmp.resolve("out-errors");
      EngineCliTest.Result r = EngineCliTest.run("", "fuse", "--model", LLAMA.toString(), "--cases", cases.toString(),
          "--out", out.toString());
      assertOneLineError(r, "kvrag fuse: case 2: ");
      assertTrue(r.err().contains(e.get("message_contains").asString()), r.err());
      assertTrue(!Files.exists(out.resolve("0.npy")), "no case runs before every case is checked");
    }
  }

  @Test
  void malformedCasesAreRejectedByName() throws IOException {
    String[][] bad = {
        {"{\"question\":[5],\"mode\":{\"name\":\"ape\",\"t\":0.5,\"temperature\":0.5},\"chunks\":[[4]]}", "not both"},
        {"{\"question\":[5],\"mode\":{\"name\":\"cacheblend\",\"ratio\":\"high\"},\"chunks\":[[4]]}",
            "cacheblend ratio must be a number"},
        {"{\"question\":[5],\"mode\":{\"name\":\"cacheblend\",\"check_layer\":4},\"chunks\":[[4]]}",
            "check_layer 4 is outside [0, 4)"},
        {"{\"question\":[5],\"mode\":{\"name\":\"cacheblend\",\"ratio\":1.5},\"chunks\":[[4]]}", "outside [0, 1]"},
        {"{\"question\":[5],\"mode\":{\"name\":\"ape\",\"scale\":0},\"chunks\":[[4]]}", "must be > 0"},
        {"{\"question\":[],\"mode\":{\"name\":\"full\"}}", "empty question"},
        {"{\"question\":[5],\"mode\":{\"name\":\"full\"},\"chunks\":[[4],[]]}", "chunk 1 is empty"},
        {"{\"question\":[5, 1.5],\"mode\":{\"name\":\"full\"}}", "question[1] is 1.5, not a token id"},
        {"{\"question\":[5],\"mode\":\"full\"}", "mode must be an object"},
        {"{\"question\":[5,6],\"mode\":{\"name\":\"full\"},\"snapkv\":{\"window\":2,\"kernel\":4,\"capacity\":9}}",
            "kernel must be odd"},
        {"{\"question\":[5,6],\"mode\":{\"name\":\"full\"},\"snapkv\":{\"window\":2,\"capacity\":2}}",
            "capacity 2 must exceed the window 2"},
        {"{\"question\":[5,6],\"mode\":{\"name\":\"full\"},\"snapkv\":{\"window\":2,\"kernal\":3,\"capacity\":9}}",
            "unknown snapkv parameter 'kernal'"},
        {"{\"question\":[5,6],\"mode\":{\"name\":\"full\"},\"snapkv\":{\"window\":2}}", "snapkv needs a capacity"},
        {"{\"question\":[5,6],", "not valid JSON"},
        {"\n{\"question\":[5],\"mode\":{\"name\":\"full\"}}", "empty line"},
    };
    for (String[] b : bad) {
      Path cases = tmp.resolve("bad.jsonl");
      Files.writeString(cases, b[0] + "\n");
      EngineCliTest.Result r = EngineCliTest.run("", "fuse", "--model", LLAMA.toString(), "--cases", cases.toString(),
          "--out", tmp.resolve("o").toString());
      assertOneLineError(r, "kvrag fuse: case 0: ");
      assertTrue(r.err().contains(b[1]), b[0] + " -> " + r.err());
    }
  }

  @Test
  void unknownTopLevelFieldsAreReportedOnceAndIgnored() throws IOException {
    Path cases = tmp.resolve("labels.jsonl");
    String line = "{\"question\":[5,6],\"mode\":{\"name\":\"full\"},\"continuaton\":[3],\"kind\":\"x\"}";
    Files.write(cases, List.of(line, line.replace(",\"continuaton\":[3]", "")));
    Path out = tmp.resolve("out-labels");
    EngineCliTest.Result r = EngineCliTest.run("", "fuse", "--model", LLAMA.toString(), "--cases", cases.toString(),
        "--out", out.toString());
    assertEquals(0, r.status(), r.err());
    assertEquals("kvrag fuse: warning: ignoring unknown field 'continuaton' (fields: chunks, continuation, mode, "
        + "prefix, question, snapkv) in case 0\n"
        + "kvrag fuse: warning: ignoring unknown field 'kind' (fields: chunks, continuation, mode, prefix, question, "
        + "snapkv) in 2 cases from case 0\n", r.err());
    assertArrayEquals(new int[] {2, 320}, NpyReader.read(out.resolve("0.npy")).shape());
  }

  @Test
  void usageErrorsAreOneLine() throws IOException {
    assertOneLineError(EngineCliTest.run("", "fuse", "--model", LLAMA.toString(), "--out", tmp.toString()),
        "--cases is required");
    assertOneLineError(EngineCliTest.run("", "fuse", "--model", LLAMA.toString(), "--cases",
        tmp.resolve("none.jsonl").toString(), "--out", tmp.toString()), "does not exist");
    Path cases = tmp.resolve("c.jsonl");
    Files.writeString(cases, "{\"question\":[5],\"mode\":{\"name\":\"full\"}}\n");
    assertOneLineError(EngineCliTest.run("", "fuse", "--model", LLAMA.toString(), "--cases", cases.toString(),
        "--out", tmp.toString(), "--kv-encoding", "int4"), "--kv-encoding must be");
    assertOneLineError(EngineCliTest.run("", "fuse", "--model", LLAMA.toString(), "--cases", cases.toString(),
        "--out", cases.toString()), "not a directory");
  }
}
