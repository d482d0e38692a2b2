package dev.kvrag.bench.kb;

import static dev.kvrag.bench.CommandRun.bench;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.bench.CommandRun;
import dev.kvrag.engine.prompt.PromptLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

class KbCommandTest {

  @TempDir
  Path dir;

  @Test
  void exportWritesOneJsonLineOfPromptSegmentsPerExample() throws Exception {
    Path file = dir.resolve("out/train.jsonl");
    CommandRun run = bench("bench-kb", "export", "--seed", "5", "--split", "train", "--examples", "120", "--out",
        file.toString());
    assertEquals(0, run.status(), run.err());
    List<String> lines = Files.readAllLines(file);
    assertEquals(120, lines.size());
    ObjectMapper json = new ObjectMapper();
    PromptLayout layout = PromptLayout.DEFAULT;
    int unnamed = 0;
    for (String line : lines) {
      JsonNode e = json.readTree(line);
      assertEquals(layout.prefix().text(), e.get("prefix").asString());
      assertEquals(layout.question(e.get("question_text").asString()).text(), e.get("question").asString());
      assertEquals(" " + e.get("answer_text").asString(), e.get("answer").asString());
      assertEquals(e.get("chunks").size(), e.get("chunk_ids").size());
      for (JsonNode c : e.get("chunks")) {
        assertTrue(c.asString().endsWith(".\n\n"), c.asString());
      }
      List<String> ids = e.get("chunk_ids").valueStream().map(JsonNode::asString).toList();
      e.get("needed").forEach(n -> assertTrue(ids.contains(n.asString())));
      e.get("distractors").forEach(n -> assertTrue(ids.contains(n.asString())));
      e.get("unnamed").forEach(n -> assertTrue(ids.contains(n.asString())));
      unnamed += e.get("unnamed").size();
      if (e.get("kind").asString().equals(QuestionKind.CROSS_CHUNK.key())) {
        // the answer's chunk says only "It": the last needed chunk is unnamed
        JsonNode needed = e.get("needed");
        String answerChunk = needed.get(needed.size() - 1).asString();
        assertTrue(e.get("unnamed").valueStream().anyMatch(n -> n.asString().equals(answerChunk)), line);
        assertFalse(e.get("unnamed").valueStream().anyMatch(n -> n.asString().equals(needed.get(0).asString())),
            line);
      }
      QuestionKind.parse(e.get("kind").asString());
    }
    assertTrue(unnamed > 0, "no context chunk without its subject's name in 120 examples");
    assertTrue(run.out().contains("wrote 120 train examples"), run.out());
  }

  @Test
  void theSameArgumentsExportTheSameBytes() throws Exception {
    Path a = dir.resolve("a.jsonl");
    Path b = dir.resolve("b.jsonl");
    bench("bench-kb", "export", "--seed", "8", "--split", "heldout", "--examples", "50", "--out", a.toString());
    bench("bench-kb", "export", "--seed", "8", "--split", "heldout", "--examples", "50", "--out", b.toString());
    assertEquals(Files.readString(a), Files.readString(b));
  }

  @Test
  void layoutWritesTheChatTemplateOfThePromptLayout() throws Exception {
    Path file = dir.resolve("layout.json");
    assertEquals(0, bench("bench-kb", "layout", "--out", file.toString()).status());
    JsonNode layout = new ObjectMapper().readTree(Files.readString(file));
    assertEquals(PromptLayout.DEFAULT.chatTemplate(), layout.get("chat_template").asString());
    assertEquals(PromptLayout.DEFAULT.prefix().text(), layout.get("prefix").asString());
  }

  @Test
  void statsAndSamplePrintTablesAndPrompts() {
    CommandRun stats = bench("bench-kb", "stats", "--seed", "1", "--split", "train", "--kbs", "3");
    assertEquals(0, stats.status(), stats.err());
    CommandRun fourKinds = bench("bench-kb", "stats", "--seed", "1", "--split", "train", "--kbs", "3", "--mix",
        "four-kinds");
    assertEquals(0, fourKinds.status(), fourKinds.err());
    for (QuestionKind k : QuestionKind.values()) {
      assertTrue(stats.out().contains(k.key()), "the default mix, with bridged: " + stats.out());
      assertEquals(k != QuestionKind.BRIDGED_MULTI_HOP, fourKinds.out().contains(k.key()), "four kinds: "
          + fourKinds.out());
    }
    CommandRun sample = bench("bench-kb", "sample", "--seed", "1", "--split", "heldout");
    assertEquals(0, sample.status(), sample.err());
    assertTrue(sample.out().contains("Question: ") && sample.out().contains("=== cross_chunk"), sample.out());
  }

  @Test
  void documentsWritesTheGatewaysBodyAndQuestionsWhoseAnswersItsPagesState() throws Exception {
    CommandRun run = bench("bench-kb", "documents", "--seed", "777", "--split", "heldout", "--questions", "6", "--out",
        dir.resolve("demo").toString());
    assertEquals(0, run.status(), run.err());
    ObjectMapper json = new ObjectMapper();
    JsonNode body = json.readTree(Files.readString(dir.resolve("demo/documents.json")));
    java.util.Map<String, String> textById = new java.util.HashMap<>();
    for (JsonNode d : body.get("documents")) {
      String id = d.get("id").asString();
      assertTrue(id.matches("heldout-777-[a-z]+-[0-9]+"), id);
      assertTrue(!d.get("title").asString().isBlank(), id);
      assertEquals(null, textById.put(id, d.get("text").asString()), "document id twice: " + id);
    }
    assertTrue(textById.size() > 10 && textById.size() <= 100, "pages: " + textById.size());
    List<String> lines = Files.readAllLines(dir.resolve("demo/questions.jsonl"));
    assertEquals(6, lines.size());
    for (String line : lines) {
      JsonNode q = json.readTree(line);
      QuestionKind.parse(q.get("kind").asString());
      assertTrue(q.get("question").asString().endsWith("?"), line);
      String answer = q.get("answer").asString();
      boolean stated = false;
      for (int i = 0; i < q.get("needed").size(); i++) {
        String needed = q.get("needed").get(i).asString();
        assertTrue(q.get("documentIds").valueStream().anyMatch(id -> textById.get(id.asString()).contains(needed)),
            "no document of " + q.get("documentIds") + " holds " + needed);
        stated |= needed.contains(answer);
      }
      assertTrue(stated, "the needed chunks of " + line + " do not state its answer");
    }
    assertTrue(run.out().contains("and 6 questions to"), run.out());
    Path again = dir.resolve("again");
    bench("bench-kb", "documents", "--seed", "777", "--split", "heldout", "--questions", "6", "--out",
        again.toString());
    assertEquals(Files.readString(dir.resolve("demo/documents.json")), Files.readString(again.resolve("documents.json")));
  }

  @Test
  void orderFreePrintsTheChancePerKindAndOnlyKindsAnsweredByAnUnnamedChunkLose() {
    CommandRun run = bench("bench-kb", "order-free", "--seed", "777", "--split", "heldout", "--examples", "200",
        "--mix", "with-bridged");
    assertEquals(0, run.status(), run.err());
    for (String kind : List.of("single_hop", "multi_hop", "distractor")) {
      assertTrue(run.out().lines().anyMatch(l -> l.trim().startsWith(kind) && l.endsWith("chance 1.000")), run.out());
    }
    for (String kind : List.of("cross_chunk ", "bridged_multi_hop ")) {
      String line = run.out().lines().filter(l -> l.trim().startsWith(kind)).findFirst().orElseThrow();
      double chance = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      assertTrue(chance > 0.3 && chance < 1.0, line);
    }
    assertTrue(run.out().contains("200 questions"), run.out());
  }

  @Test
  void badInputEndsInOneLineNamingTheProblem() {
    assertOneLine(bench("bench-kb", "export", "--split", "train", "--examples", "5", "--out", "x"),
        "kvrag bench-kb: missing option --seed");
    assertOneLine(bench("bench-kb", "export", "--seed", "1", "--split", "dev", "--examples", "5", "--out", "x"),
        "kvrag bench-kb: unknown split 'dev' (train or heldout)");
    assertOneLine(bench("bench-kb", "export", "--seed", "x1", "--split", "train", "--examples", "5", "--out", "x"),
        "kvrag bench-kb: option --seed must be a whole number, got 'x1'");
    assertOneLine(bench("bench-kb", "stats", "--seed", "1", "--split", "train", "--kbz", "3"),
        "kvrag bench-kb: unknown option --kbz (known: --chunk-tokens, --extra-chunks, --kbs, --mix, --naming, --per-kb, --seed, --split)");
    assertOneLine(bench("bench-kb", "export", "--seed", "1", "--split", "train", "--examples", "0", "--out", "x"),
        "kvrag bench-kb: option --examples must be between 1 and 2147483647, got 0");
    assertOneLine(bench("bench-kb", "frobnicate"),
        "kvrag bench-kb: unknown action 'frobnicate' (export, stats, sample, layout, order-free, documents)");
    assertOneLine(bench("bench-kb", "documents", "--seed", "1", "--split", "heldout", "--questions", "49", "--out",
        "x"), "kvrag bench-kb: questions must be between 1 and 48 (the questions of one knowledge base), got 49");
    assertOneLine(bench("bench-nope"),
        "kvrag: unknown command 'bench-nope' (known: bench-kb, bench-quality, bench-ttft)");
  }

  @Test
  void anUnwritableOutputEndsInOneLineAndStatusOne() throws Exception {
    Path blocker = dir.resolve("file");
    Files.writeString(blocker, "x");
    CommandRun run = bench("bench-kb", "export", "--seed", "1", "--split", "train", "--examples", "5", "--out",
        blocker.resolve("sub/out.jsonl").toString());
    assertEquals(1, run.status());
    assertEquals(1, run.err().strip().lines().count(), run.err());
    assertTrue(run.err().startsWith("kvrag bench-kb: "), run.err());
  }

  private static void assertOneLine(CommandRun run, String expected) {
    assertEquals(2, run.status(), run.err());
    assertEquals(expected, run.err().strip());
    assertEquals("", run.out());
  }
}
