package dev.kvrag.engine.cli;

import dev.kvrag.engine.compute.Backend;
import dev.kvrag.engine.compute.TimedBackend;

import dev.kvrag.engine.model.ModelConfig;
import dev.kvrag.engine.model.ModelSession;
import dev.kvrag.engine.model.Transformer;
import dev.kvrag.engine.tokenizer.Tokenizer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * {@code bench-engine}: prefill and decode speed of the engine on one checkpoint. A warm-up pass (a shorter
 * prefill and a few decode steps) lets the JIT compile the kernels first; then one prefill of the prompt is
 * timed, followed by greedy decode steps (argmax + one-token forward each). Prints tokens/s per phase and the
 * peak heap of the measured run (all heap pools' peaks, garbage not yet collected included); the weights are
 * memory-mapped, so the heap holds only activations, scratch and the KV cache.
 */
final class BenchEngineCommand {

  static final String USAGE = """
      usage: ./kvrag bench-engine --model DIR [--prompt-tokens N] [--gen-tokens N] [--threads N] [--backend B]
                                  [--ids-file F | --prompt TEXT] [--seed S]
        prints prefill tokens/s, decode tokens/s and peak heap
        --prompt-tokens  prompt length (default 256); random ids unless --ids-file or --prompt is given
        --ids-file       prompt ids (integers separated by commas/whitespace); its first N are used
        --prompt         prompt text, tokenized with the model's tokenizer, repeated or cut to N tokens
        --gen-tokens     decode steps (default 64)
        --threads        compute threads (default: all processors)
        --backend        auto (default: CUDA when present), cpu or cuda (profiles of cuda show queueing times)
        --profile        also print where the time goes, per backend operation""";

  private BenchEngineCommand() {
  }

  static void run(String[] args, Terminal term) {
    Options o = Options.parse("bench-engine", args, 1,
        Set.of("--model", "--prompt-tokens", "--gen-tokens", "--threads", "--ids-file", "--prompt", "--seed",
            "--backend"),
        Set.of("--profile"));
    Path dir = o.directory("--model");
    int promptTokens = o.positiveInt("--prompt-tokens", 256);
    int genTokens = o.positiveInt("--gen-tokens", 64);
    int threads = o.positiveInt("--threads", Runtime.getRuntime().availableProcessors());
    if (o.has("--ids-file") && o.has("--prompt")) {
      throw new UsageException("give at most one of --ids-file and --prompt");
    }
    long seed = o.longValue("--seed", 42);
    var out = term.out();
    try (Backend compute = o.backend(threads);
         Transformer model = Transformer.load(dir, o.has("--profile") ? new TimedBackend(compute) : compute)) {
      Backend backend = model.backend();
      ModelConfig c = model.config();
      int[] prompt = prompt(o, dir, c, promptTokens, seed);
      long mapped = mappedBytes(model);
      out.printf(Locale.ROOT, "model: %s (%s, %d layers, hidden %d, heads %d/%d, vocab %d, %s, %.0f MiB mapped)%n",
          dir, c.architecture().hfName(), c.layers(), c.hiddenSize(), c.heads(), c.kvHeads(), c.vocabSize(),
          model.weights().embedding().dtype(), mapped / 1048576.0);
      out.printf(Locale.ROOT, "backend: %s, java %s%n", backend.describe(), Runtime.version());
      out.flush();

      int warmPrompt = Math.min(prompt.length, 64);
      double[] warm = measure(model, Arrays.copyOf(prompt, warmPrompt), Math.min(genTokens, 8), null);
      out.printf(Locale.ROOT, "warm-up: prefill %d tokens %.1f tok/s, decode %d tokens %.1f tok/s%n", warmPrompt,
          warm[0], Math.min(genTokens, 8), warm[1]);
      out.flush();

      // The warm-up's garbage (the kernels run interpreted before the JIT compiles them) is no part of the
      // measured run's footprint: collect it, then count peaks from here.
      System.gc();
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        pool.resetPeakUsage();
      }
      String[] profile = new String[2];
      double[] rates = measure(model, prompt, genTokens, profile);
      long peak = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          peak += pool.getPeakUsage().getUsed();
        }
      }
      out.printf(Locale.ROOT, "prefill %.1f tok/s (%d tokens in %.3f s)%n", rates[0], prompt.length,
          prompt.length / rates[0]);
      out.printf(Locale.ROOT, "decode %.1f tok/s (%d tokens in %.3f s)%n", rates[1], genTokens, genTokens / rates[1]);
      out.printf(Locale.ROOT, "peak heap: %.1f MiB (max heap %.0f MiB)%n", peak / 1048576.0,
          Runtime.getRuntime().maxMemory() / 1048576.0);
      if (backend instanceof TimedBackend) {
        out.print("where prefill time goes:\n" + profile[0]);
        out.print("where decode time goes:\n" + profile[1]);
      }
      out.flush();
    }
  }

  /** Prefill tok/s and decode tok/s of one fresh session; per-phase backend profiles into {@code profile}. */
  private static double[] measure(Transformer model, int[] prompt, int genTokens, String[] profile) {
    TimedBackend timed = model.backend() instanceof TimedBackend t ? t : null;
    ModelSession session = new ModelSession(model, prompt.length + genTokens + 1);
    if (timed != null) {
      timed.reset();
    }
    long t0 = System.nanoTime();
    float[] logits = session.feed(prompt);
    long t1 = System.nanoTime();
    if (timed != null && profile != null) {
      profile[0] = timed.report();
      timed.reset();
    }
    for (int i = 0; i < genTokens; i++) {
      logits = session.feed(new int[] {argmax(logits)});
    }
    long t2 = System.nanoTime();
    if (timed != null && profile != null) {
      profile[1] = timed.report();
    }
    return new double[] {prompt.length / ((t1 - t0) / 1e9), genTokens / ((t2 - t1) / 1e9)};
  }

  private static int[] prompt(Options o, Path dir, ModelConfig c, int n, long seed) {
    int[] ids;
    if (o.has("--ids-file")) {
      ids = TokenIds.read(Path.of(o.string("--ids-file")));
      if (ids.length < n && o.has("--prompt-tokens")) {
        throw new UsageException("--ids-file holds " + ids.length + " ids, --prompt-tokens asks for " + n);
      }
      ids = Arrays.copyOf(ids, o.has("--prompt-tokens") ? n : ids.length);
    } else if (o.has("--prompt")) {
      if (!Files.exists(dir.resolve("tokenizer.json")) && !Files.exists(dir.resolve("tokenizer.json.gz"))) {
        throw new UsageException("--prompt needs a tokenizer.json in " + dir);
      }
      int[] text = Tokenizer.load(dir).encodeWithBos(o.string("--prompt"));
      if (text.length == 0) {
        throw new UsageException("--prompt encodes to no tokens");
      }
      ids = new int[n];
      for (int i = 0; i < n; i++) {
        ids[i] = text[i % text.length];
      }
    } else {
      // Ordinary ids: below the first special token when config.json names one inside the vocabulary.
      int bound = c.bosTokenId().isPresent() && c.bosTokenId().getAsInt() > 0 ? c.bosTokenId().getAsInt()
          : c.vocabSize();
      ids = new SplittableRandom(seed).ints(n, 0, Math.min(bound, c.vocabSize())).toArray();
    }
    for (int id : ids) {
      if (id >= c.vocabSize()) {
        throw new UsageException("token id " + id + " is outside the vocabulary [0, " + c.vocabSize() + ")");
      }
    }
    return ids;
  }

  private static long mappedBytes(Transformer model) {
    long total = 0;
    for (var w : model.weights().layers()) {
      total += w.q().data().byteSize() + w.k().data().byteSize() + w.v().data().byteSize() + w.o().data().byteSize()
          + w.gate().data().byteSize() + w.up().data().byteSize() + w.down().data().byteSize();
    }
    total += model.weights().embedding().data().byteSize();
    if (model.weights().lmHead() != model.weights().embedding()) {
      total += model.weights().lmHead().data().byteSize();
    }
    return total;
  }

  static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }
}
