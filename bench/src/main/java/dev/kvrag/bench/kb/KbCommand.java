package dev.kvrag.bench.kb;

import dev.kvrag.bench.BenchCli;
import dev.kvrag.bench.BenchCli.Flags;
import dev.kvrag.bench.BenchCli.UsageException;
import dev.kvrag.engine.prompt.PromptLayout;
import dev.kvrag.engine.prompt.PromptSegment;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code ./kvrag bench-kb}: the synthetic knowledge base as data. {@code export} writes training
 * or evaluation examples as JSON lines of prompt segments ({@link ExampleJson}); {@code stats}
 * counts what a seed gives; {@code sample} prints pages and one prompt of each kind for a person to
 * read; {@code layout} writes the prompt layout and chat template for the model's tokenizer files;
 * {@code documents} writes one knowledge base as the platform's {@code POST /v1/documents} body with
 * questions and gold answers ({@link DemoCorpus}, what {@code ./kvrag up} ingests).
 */
public final class KbCommand implements BenchCli.Command {

  private static final Set<String> SOURCE_OPTIONS = Set.of("seed", "split", "per-kb", "chunk-tokens", "extra-chunks",
      "naming", "mix");

  @Override
  public String name() {
    return "bench-kb";
  }

  @Override
  public List<String> usage() {
    return List.of(
        "bench-kb export --seed S --split train|heldout --examples N --out FILE.jsonl"
            + " [--per-kb 48] [--chunk-tokens 200] [--extra-chunks 2] [--naming as-written|facts-named]"
            + " [--mix with-bridged|four-kinds]",
        "bench-kb stats --seed S --split train|heldout [--kbs 20] [--per-kb 48] [--chunk-tokens 200]"
            + " [--mix with-bridged|four-kinds]",
        "bench-kb sample --seed S --split train|heldout [--chunk-tokens 200]",
        "bench-kb layout --out FILE.json",
        "bench-kb order-free --seed S --split train|heldout --examples N [--per-kb 48] [--extra-chunks 2]"
            + " [--mix with-bridged|four-kinds]",
        "bench-kb documents --seed S --split train|heldout --out DIR [--questions 8] [--naming as-written|facts-named]");
  }

  @Override
  public int run(List<String> args, PrintStream out) throws IOException {
    if (args.isEmpty()) {
      throw new UsageException("missing action: export, stats, sample, layout, order-free or documents");
    }
    List<String> rest = args.subList(1, args.size());
    return switch (args.getFirst()) {
      case "export" -> export(Flags.parse(rest, with(SOURCE_OPTIONS, "examples", "out")), out);
      case "stats" -> stats(Flags.parse(rest, with(SOURCE_OPTIONS, "kbs")), out);
      case "sample" -> sample(Flags.parse(rest, SOURCE_OPTIONS), out);
      case "layout" -> layout(Flags.parse(rest, Set.of("out")), out);
      case "order-free" -> orderFree(Flags.parse(rest, with(SOURCE_OPTIONS, "examples")), out);
      case "documents" -> documents(Flags.parse(rest, Set.of("seed", "split", "naming", "questions", "out")), out);
      default -> throw new UsageException("unknown action '" + args.getFirst()
          + "' (export, stats, sample, layout, order-free, documents)");
    };
  }

  private static ExampleSource source(Flags f) {
    Split split;
    Naming naming;
    QuestionMix mix;
    try {
      split = Split.parse(f.string("split"));
      naming = Naming.parse(f.string("naming", Naming.AS_WRITTEN.label()));
      mix = QuestionMix.parse(f.string("mix", QuestionMix.DEFAULT.label()));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    return new ExampleSource(f.longValue("seed"), split, ChunkBudget.estimated(f.intValue("chunk-tokens", 200, 16)),
        f.intValue("per-kb", 48, 1), f.intValue("extra-chunks", 2, 0), mix.shares(), naming);
  }

  private int export(Flags f, PrintStream out) throws IOException {
    ExampleSource source = source(f);
    int examples = f.intValue("examples", 1);
    Path file = Path.of(f.string("out"));
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    PromptLayout layout = PromptLayout.DEFAULT;
    Map<QuestionKind, Integer> counts = new EnumMap<>(QuestionKind.class);
    long[] kbs = {-1, 0};
    long start = System.nanoTime();
    try (Writer w = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8),
        1 << 20)) {
      source.forEach(examples, e -> {
        try {
          ExampleJson.write(e, layout, w);
        } catch (IOException io) {
          throw new java.io.UncheckedIOException(io);
        }
        counts.merge(e.question().kind(), 1, Integer::sum);
        if (e.kbSeed() != kbs[0]) {
          kbs[0] = e.kbSeed();
          kbs[1]++;
        }
      });
    }
    out.printf(Locale.ROOT, "wrote %d %s examples from %d knowledge bases to %s in %.1f s (%s)%n", examples,
        source.split().label(), kbs[1], file, (System.nanoTime() - start) / 1e9, kinds(counts));
    return 0;
  }

  private int stats(Flags f, PrintStream out) {
    ExampleSource source = source(f);
    int kbs = f.intValue("kbs", 20, 1);
    KbStats stats = new KbStats();
    for (int i = 0; i < kbs; i++) {
      stats.add(source.knowledgeBase(i), source.budget());
    }
    source.forEach(kbs * source.perKb(), stats::add);
    stats.print(out, source);
    return 0;
  }

  private int sample(Flags f, PrintStream out) {
    ExampleSource source = source(f);
    KnowledgeBase kb = source.knowledgeBase(0);
    out.printf("knowledge base %d (%s split), company %s: %d pages, %d chunks%n%n", kb.seed(), kb.split().label(),
        kb.company().name(), kb.documents().size(), kb.chunks().size());
    for (Document d : kb.documents().subList(0, Math.min(3, kb.documents().size()))) {
      for (Chunk c : d.chunks()) {
        out.printf("--- %s%s ---%n%s%n", c.id(), c.namesSubject() ? "" : " (does not name its subject)", c.text());
      }
      out.println();
    }
    PromptLayout layout = PromptLayout.DEFAULT;
    for (QuestionKind kind : QuestionKind.values()) {
      QuestionGenerator.one(kb, kind, kb.seed() + kind.ordinal()).ifPresent(q -> {
        List<Chunk> context = ContextAssembler.assemble(kb, q, source.maxExtraChunks(),
            new java.util.SplittableRandom(kb.seed() + 31L * kind.ordinal()));
        out.printf("=== %s: needed %s, distractors %s ===%n", kind.key(), q.needed(), q.distractors());
        StringBuilder prompt = new StringBuilder();
        for (PromptSegment s : layout.segments(context.stream().map(Chunk::text).toList(), q.text(), q.answer())) {
          prompt.append(s.text());
        }
        out.println(prompt);
        out.println();
      });
    }
    return 0;
  }

  /** Per question kind, what an order-free reader ({@link OrderFreeChance}) can answer of the examples. */
  private int orderFree(Flags f, PrintStream out) {
    ExampleSource source = source(f);
    int examples = f.intValue("examples", 1);
    Map<QuestionKind, double[]> chance = new EnumMap<>(QuestionKind.class);
    Map<Integer, Integer> candidates = new TreeMap<>();
    source.forEach(examples, e -> {
      int alike = OrderFreeChance.candidates(e);
      double[] k = chance.computeIfAbsent(e.question().kind(), x -> new double[2]);
      k[0]++;
      k[1] += 1.0 / alike;
      if (e.question().kind().answeredByAnUnnamedChunk()) {
        candidates.merge(alike, 1, Integer::sum);
      }
    });
    out.printf(Locale.ROOT, "order-free chance of the first %d %s examples of seed %d: a reader that knows every"
        + " chunk's facts and the asked subject's pronoun but not the chunks' order%n", examples,
        source.split().label(), source.seed());
    double all = 0;
    for (QuestionKind k : QuestionKind.askedBy(source.mix())) {
      double[] c = chance.getOrDefault(k, new double[2]);
      all += c[1];
      out.printf(Locale.ROOT, "  %-17s %4d questions  chance %.3f%n", k.key(), (int) c[0], c[0] == 0 ? 0 : c[1] / c[0]);
    }
    out.printf(Locale.ROOT, "  %-17s %4d questions  chance %.3f (the ceiling of an order-free mode, e.g. APE)%n", "all",
        examples, all / examples);
    out.println("  questions answered by an unnamed chunk (cross_chunk, bridged_multi_hop) by candidates (chunks that"
        + " read alike without their order): " + candidates);
    return 0;
  }

  private int layout(Flags f, PrintStream out) throws IOException {
    Path file = Path.of(f.string("out"));
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    PromptLayout layout = PromptLayout.DEFAULT;
    StringBuilder json = new StringBuilder("{\n  \"system_text\": ");
    ExampleJson.string(json, layout.systemText());
    json.append(",\n  \"prefix\": ");
    ExampleJson.string(json, layout.prefix().text());
    json.append(",\n  \"separator\": ");
    ExampleJson.string(json, PromptLayout.SEPARATOR);
    json.append(",\n  \"question_label\": ");
    ExampleJson.string(json, PromptLayout.QUESTION_LABEL);
    json.append(",\n  \"answer_cue\": ");
    ExampleJson.string(json, PromptLayout.ANSWER_CUE);
    json.append(",\n  \"chat_template\": ");
    ExampleJson.string(json, layout.chatTemplate());
    json.append("\n}\n");
    Files.writeString(file, json, StandardCharsets.UTF_8);
    out.println("wrote the prompt layout to " + file);
    return 0;
  }

  private int documents(Flags f, PrintStream out) throws IOException {
    DemoCorpus corpus;
    try {
      corpus = DemoCorpus.of(source(f), f.intValue("questions", 8, 1));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    Path dir = Path.of(f.string("out"));
    corpus.write(dir);
    out.printf(Locale.ROOT, "wrote %d pages of company %s (%s knowledge base %d) to %s and %d questions to %s%n",
        corpus.kb().documents().size(), corpus.kb().company().name(), corpus.kb().split().label(),
        corpus.kb().seed(), dir.resolve(DemoCorpus.DOCUMENTS_FILE), corpus.questions().size(),
        dir.resolve(DemoCorpus.QUESTIONS_FILE));
    return 0;
  }

  private static String kinds(Map<QuestionKind, Integer> counts) {
    StringBuilder s = new StringBuilder();
    for (QuestionKind k : QuestionKind.values()) {
      if (!s.isEmpty()) {
        s.append(", ");
      }
      s.append(k.key()).append(' ').append(counts.getOrDefault(k, 0));
    }
    return s.toString();
  }

  private static Set<String> with(Set<String> base, String... more) {
    java.util.HashSet<String> all = new java.util.HashSet<>(base);
    all.addAll(List.of(more));
    return all;
  }
}
