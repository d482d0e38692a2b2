package dev.kvrag.bench.quality;

import dev.kvrag.bench.BenchCli;
import dev.kvrag.bench.BenchCli.Flags;
import dev.kvrag.bench.BenchCli.UsageException;
import dev.kvrag.bench.StoredKv;
import dev.kvrag.bench.kb.Example;
import dev.kvrag.bench.kb.QuestionKind;
import dev.kvrag.bench.kb.QuestionMix;
import dev.kvrag.engine.compress.ChunkCompression;
import dev.kvrag.engine.compress.FusionPlan;
import dev.kvrag.engine.compute.cpu.CpuBackend;
import dev.kvrag.engine.model.Transformer;
import dev.kvrag.engine.prompt.PromptLayout;
import dev.kvrag.engine.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ./kvrag bench-quality}: answer quality and TTFT per fusion mode on the synthetic knowledge base's held-out
 * split, through the Java engine ({@link QualityRun}). Writes the JSON of the demo-model issue —
 * {@code {"model","seed","modes":{mode:{"exact_match":{kind..,"all"},"f1":{..},"ttft_ms_p50",
 * "recompute_fraction","questions"}}}} — keyed by each plan's canonical spec, and prints a table. Every mode after
 * the first also gets {@code "paired_vs_first":{kind..,"all":{"questions","lost","gained","p"}}}: its exact match
 * against the first mode's on the same questions ({@link PairedComparison}), printed under the table for multi-hop
 * and, with the gap's 95 % interval, for all questions (a 500-question gap moves by ±2 points from one question set
 * to the next: session 12, docs/BENCHMARKS.md §7a).
 */
public final class QualityCommand implements BenchCli.Command {

  /** The key of the paired comparison over both multi-hop kinds together (issue 5's NAIVE bar reads it too). */
  static final String EVERY_MULTI_HOP = "every_multi_hop";

  private static final Set<String> OPTIONS = Set.of("model", "seed", "questions", "modes", "json", "kv", "threads",
      "max-answer-tokens", "chunk-compression", "mix");

  @Override
  public String name() {
    return "bench-quality";
  }

  @Override
  public List<String> usage() {
    return List.of("bench-quality --model DIR --seed S --questions N [--modes full,naive,cacheblend,ape,...] "
        + "[--json FILE] [--kv f32|bf16|f16|int8] [--threads N] [--max-answer-tokens 24]"
        + " [--chunk-compression none|keynorm:F|keynorm-high:F|random:F] [--mix with-bridged|four-kinds]");
  }

  @Override
  public int run(List<String> args, PrintStream out) throws IOException {
    Flags f = Flags.parse(args, OPTIONS);
    if (!f.positional().isEmpty()) {
      throw new UsageException("unexpected argument '" + f.positional().getFirst() + "'");
    }
    Path dir = Path.of(f.string("model"));
    if (!Files.isRegularFile(dir.resolve("config.json"))) {
      throw new UsageException("no config.json in " + dir + " (--model takes a Hugging Face model directory)");
    }
    long seed = f.longValue("seed");
    int questions = f.intValue("questions", 1);
    List<FusionPlan> plans = FusionPlan.parseList(f.string("modes", "full"));
    StoredKv stored = StoredKv.parse(f.string("kv", "bf16"));
    int threads = f.intValue("threads", Runtime.getRuntime().availableProcessors(), 1);
    int maxAnswer = f.intValue("max-answer-tokens", 24, 1);
    ChunkCompression compression;
    QuestionMix mix;
    try {
      compression = StoredChunkCompression.parse(f.string("chunk-compression", "none"));
      mix = QuestionMix.parse(f.string("mix", QuestionMix.DEFAULT.label()));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }

    Tokenizer tok = Tokenizer.load(dir);
    PromptLayout layout = QualityRun.layout(tok);
    List<Example> examples = QualityRun.heldOut(seed, questions, mix);
    Map<FusionPlan, List<QualityRun.Answer>> answers;
    try (CpuBackend backend = new CpuBackend(threads); Transformer model = Transformer.load(dir, backend)) {
      QualityRun run = new QualityRun(model, tok, layout, stored, maxAnswer, compression);
      long start = System.nanoTime();
      answers = run.answer(examples, plans, done -> {
        if (done % 25 == 0 || done == examples.size()) {
          System.err.printf("bench-quality: %d/%d questions, %d modes, %.0f s%n", done, examples.size(),
              plans.size(), (System.nanoTime() - start) / 1e9);
        }
      });
    }
    Map<String, Object> modes = new LinkedHashMap<>();
    out.printf("%-44s %9s %9s %11s %11s %9s %9s %9s %9s%n", "mode", "single", "multi", "distractor", "cross_chunk",
        "bridged", "all", "TTFT p50", "recomp.");
    List<QualityRun.Answer> first = answers.values().iterator().next();
    String baseline = answers.keySet().iterator().next().describe();
    StringBuilder paired = new StringBuilder();
    // with one multi-hop kind, every_multi_hop is multi_hop again: printed once
    List<String> multiHopRows = mix.shares().containsKey(QuestionKind.BRIDGED_MULTI_HOP)
        ? List.of(QuestionKind.MULTI_HOP.key(), QuestionKind.BRIDGED_MULTI_HOP.key(), EVERY_MULTI_HOP)
        : List.of(QuestionKind.MULTI_HOP.key());
    StringBuilder gaps = new StringBuilder();
    for (var e : answers.entrySet()) {
      Map<String, Object> summary = summarize(e.getValue(), mix);
      if (e.getValue() != first) {
        Map<String, PairedComparison> byKind = paired(first, e.getValue(), mix);
        summary.put("paired_vs_first", byKind);
        for (String kind : multiHopRows) {
          PairedComparison multi = byKind.get(kind);
          paired.append(String.format("  %-42s %-17s lost %3d, gained %3d, McNemar p = %.2g%n", e.getKey().describe(),
              kind, multi.lost(), multi.gained(), multi.p()));
        }
        PairedComparison all = byKind.get("all");
        gaps.append(String.format(Locale.ROOT, "  %-42s %+.1f ± %.1f points (lost %d, gained %d)%n",
            e.getKey().describe(), 100 * all.difference(), 100 * all.halfWidth95(), all.lost(), all.gained()));
      }
      modes.put(e.getKey().describe(), summary);
      @SuppressWarnings("unchecked")
      Map<String, Double> em = (Map<String, Double>) summary.get("exact_match");
      out.printf("%-44s %9s %9s %11s %11s %9s %9s %8.1fms %8.1f%%%n", e.getKey().describe(),
          cell(em, "single_hop"), cell(em, "multi_hop"), cell(em, "distractor"), cell(em, "cross_chunk"),
          cell(em, "bridged_multi_hop"), cell(em, "all"),
          (double) summary.get("ttft_ms_p50"), 100 * (double) summary.get("recompute_fraction"));
    }
    if (!paired.isEmpty()) {
      out.println("multi-hop, paired against " + baseline
          + " (questions it answers and the mode misses, the reverse):");
      out.print(paired);
      out.println("all questions, exact match minus " + baseline
          + "'s, with its 95 % interval (paired):");
      out.print(gaps);
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("model", dir.toString());
    json.put("seed", seed);
    json.put("mix", mix.label());
    json.put("chunk_compression", f.string("chunk-compression", "none"));
    json.put("modes", modes);
    if (f.has("json")) {
      Path file = Path.of(f.string("json"));
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      Files.writeString(file, JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(json)
          + "\n");
      out.println("wrote " + file);
    }
    return 0;
  }

  /** A kind's exact match, or "-" where the mix does not ask it. */
  private static String cell(Map<String, Double> em, String kind) {
    return em.containsKey(kind) ? String.format(Locale.ROOT, "%.3f", em.get(kind)) : "-";
  }

  /**
   * Exact match and F1 per question kind of {@code mix} and overall, TTFT median, mean recompute fraction, question
   * count.
   */
  static Map<String, Object> summarize(List<QualityRun.Answer> answers, QuestionMix mix) {
    Map<String, Double> em = new LinkedHashMap<>();
    Map<String, Double> f1 = new LinkedHashMap<>();
    for (QuestionKind kind : QuestionKind.askedBy(mix.shares())) {
      List<QualityRun.Answer> of = answers.stream().filter(a -> a.kind().equals(kind.key())).toList();
      em.put(kind.key(), mean(of.stream().mapToDouble(a -> AnswerScore.exactMatch(a.text(), a.gold()) ? 1 : 0)
          .toArray()));
      f1.put(kind.key(), mean(of.stream().mapToDouble(a -> AnswerScore.f1(a.text(), a.gold())).toArray()));
    }
    em.put("all", mean(answers.stream().mapToDouble(a -> AnswerScore.exactMatch(a.text(), a.gold()) ? 1 : 0)
        .toArray()));
    f1.put("all", mean(answers.stream().mapToDouble(a -> AnswerScore.f1(a.text(), a.gold())).toArray()));
    double[] ttft = answers.stream().mapToDouble(QualityRun.Answer::ttftMs).sorted().toArray();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("exact_match", em);
    out.put("f1", f1);
    out.put("ttft_ms_p50", ttft.length == 0 ? 0.0 : ttft[ttft.length / 2]);
    out.put("recompute_fraction", mean(answers.stream().mapToDouble(QualityRun.Answer::recomputeFraction).toArray()));
    out.put("questions", answers.size());
    return out;
  }

  /**
   * {@code other} against {@code first}, per question kind of {@code mix}, over both multi-hop kinds, and overall.
   */
  static Map<String, PairedComparison> paired(List<QualityRun.Answer> first, List<QualityRun.Answer> other,
                                              QuestionMix mix) {
    Map<String, PairedComparison> out = new LinkedHashMap<>();
    for (QuestionKind kind : QuestionKind.askedBy(mix.shares())) {
      out.put(kind.key(), PairedComparison.of(first, other, a -> a.kind().equals(kind.key())));
    }
    out.put(EVERY_MULTI_HOP, PairedComparison.of(first, other, a -> QuestionKind.parse(a.kind()).multiHop()));
    out.put("all", PairedComparison.of(first, other, a -> true));
    return out;
  }

  private static double mean(double[] v) {
    return v.length == 0 ? 0.0 : Arrays.stream(v).sum() / v.length;
  }
}
