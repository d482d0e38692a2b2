package dev.kvrag.bench.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.bench.StoredKv;
import dev.kvrag.bench.kb.Example;
import dev.kvrag.bench.kb.QuestionMix;
import dev.kvrag.engine.compress.FusionPlan;
import dev.kvrag.engine.compute.DType;
import dev.kvrag.engine.compute.cpu.CpuBackend;
import dev.kvrag.engine.model.Architecture;
import dev.kvrag.engine.model.ModelConfig;
import dev.kvrag.engine.model.RandomCheckpoint;
import dev.kvrag.engine.model.Rope;
import dev.kvrag.engine.model.Transformer;
import dev.kvrag.engine.prompt.PromptLayout;
import dev.kvrag.engine.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quality benchmark's mechanics on a small random model with the real Qwen3 tokenizer: answers are noise,
 * but modes that DESIGN §4 makes equal to FULL must give FULL's answers, and the summary must have the contract's
 * shape.
 */
class QualityRunTest {

  static final Path QWEN3 = Path.of("../models/tokenizers/qwen3");

  @Test
  void modesEqualToFullGiveFullsAnswersAndTheSummaryHasTheContractsShape(@TempDir Path dir) throws IOException {
    ModelConfig c = new ModelConfig(Architecture.LLAMA, 32, 64, 3, 4, 2, 8, 151_936, 1e-5f, Rope.plain(10000), true,
        false, false, DType.BF16, new int[3], OptionalInt.empty(), new int[] {151_645});
    RandomCheckpoint.write(dir, c, DType.BF16, 3);
    Files.copy(QWEN3.resolve("tokenizer.json.gz"), dir.resolve("tokenizer.json.gz"));
    Files.copy(QWEN3.resolve("tokenizer_config.json"), dir.resolve("tokenizer_config.json"));
    List<Example> examples = QualityRun.heldOut(11, 6);
    List<FusionPlan> plans = FusionPlan.parseList("full,prefix,cacheblend:ratio=1,check_layer=1,naive");
    Map<FusionPlan, List<QualityRun.Answer>> answers;
    try (CpuBackend backend = new CpuBackend(2); Transformer model = Transformer.load(dir, backend)) {
      QualityRun run = new QualityRun(model, Tokenizer.load(dir), PromptLayout.DEFAULT,
          StoredKv.parse("f32"), 6);
      answers = run.answer(examples, plans, done -> { });
    }
    List<List<String>> texts = answers.values().stream().map(a -> a.stream().map(QualityRun.Answer::text).toList())
        .toList();
    assertEquals(texts.get(0), texts.get(1), "PREFIX must answer as FULL");
    assertEquals(texts.get(0), texts.get(2), "CACHEBLEND at ratio 1 must answer as FULL");
    assertTrue(texts.get(0).stream().allMatch(t -> !t.isEmpty()), "a random model rarely says EOS at once");

    Map<String, Object> summary = QualityCommand.summarize(answers.get(plans.get(3)), QuestionMix.FOUR_KINDS);
    assertEquals(6, summary.get("questions"));
    @SuppressWarnings("unchecked")
    Map<String, Double> em = (Map<String, Double>) summary.get("exact_match");
    assertEquals(List.of("single_hop", "multi_hop", "distractor", "cross_chunk", "all"), List.copyOf(em.keySet()));
    assertTrue(em.values().stream().allMatch(v -> v >= 0 && v <= 1));
    assertEquals(0.0, (double) summary.get("recompute_fraction"), "NAIVE recomputes no context token");
    assertFalse((double) summary.get("ttft_ms_p50") <= 0);
  }

  @Test
  void exactMatchAndF1NormaliseLikeTheTrainingScript() {
    assertTrue(AnswerScore.exactMatch("  Oslo. ", "oslo"));
    assertFalse(AnswerScore.exactMatch("Oslo Norway", "Oslo"));
    assertEquals(2 * 0.5 * 1.0 / 1.5, AnswerScore.f1("Oslo Norway", "Oslo"), 1e-12);
    assertEquals(0.0, AnswerScore.f1("Bergen", "Oslo"));
    assertEquals(1.0, AnswerScore.f1("the  Athuv team", "The Athuv team."));
  }

  @Test
  void everyMultiHopPoolsThePlainAndTheBridgedKind() {
    List<QualityRun.Answer> full = List.of(answer("a", "multi_hop", "Oslo"), answer("b", "bridged_multi_hop", "Oslo"),
        answer("c", "bridged_multi_hop", "Oslo"), answer("d", "cross_chunk", "Oslo"));
    List<QualityRun.Answer> naive = List.of(answer("a", "multi_hop", "Bergen"), answer("b", "bridged_multi_hop", "Oslo"),
        answer("c", "bridged_multi_hop", "Bergen"), answer("d", "cross_chunk", "Bergen"));
    Map<String, PairedComparison> byKind = QualityCommand.paired(full, naive, QuestionMix.WITH_BRIDGED);
    assertEquals(1, byKind.get("multi_hop").lost());
    assertEquals(1, byKind.get("bridged_multi_hop").lost());
    assertEquals(2, byKind.get("bridged_multi_hop").questions());
    PairedComparison every = byKind.get(QualityCommand.EVERY_MULTI_HOP);
    assertEquals(3, every.questions(), "both multi-hop kinds, not cross_chunk");
    assertEquals(2, every.lost());
    assertEquals(3, byKind.get("all").lost());
  }

  private static QualityRun.Answer answer(String id, String kind, String text) {
    return new QualityRun.Answer(id, kind, "Oslo", text, 1.0, 0.0);
  }
}
