package dev.kvrag.engine.cli;

import dev.kvrag.engine.compress.FusionPlan;
import dev.kvrag.engine.compute.Weight;
import dev.kvrag.engine.compute.cuda.CudaBackend;
import dev.kvrag.engine.compute.cuda.CudaProbe;
import dev.kvrag.engine.compute.cuda.DeviceCeilings;
import dev.kvrag.engine.fusion.ChunkKvSource;
import dev.kvrag.engine.kv.ChunkEncoder;
import dev.kvrag.engine.kv.ChunkKv;
import dev.kvrag.engine.kv.KvCache;
import dev.kvrag.engine.model.LayerWeights;
import dev.kvrag.engine.model.ModelConfig;
import dev.kvrag.engine.model.ModelSession;
import dev.kvrag.engine.model.Transformer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code bench-gpu}: the engine on the GPU against the hardware's ceilings, measured in the same run: prefill
 * tokens/s per prompt length beside the time its matrix products alone take (cuBLAS), decode tokens/s at batch 1
 * against the memory-bandwidth roofline (every weight and the KV read once per token, over the measured copy
 * bandwidth), and CACHEBLEND's time to first token against FULL's with the chunks' KV coming from page-locked host
 * memory. Wall-clock times end with the logits on the host (the device has finished). Without a CUDA device it says
 * so and exits 0.
 */
final class BenchGpuCommand {

  static final String USAGE = """
      usage: ./kvrag bench-gpu --model DIR [--prefill 512,2048,8192] [--decode-context 512] [--decode-tokens 128]
                               [--chunks 6] [--chunk-tokens 512] [--prefix-tokens 32] [--question-tokens 32]
                               [--runs 3] [--json FILE] [--quick]
        prefill tokens/s vs the cuBLAS floor, decode tokens/s vs the bandwidth roofline, CACHEBLEND@0.15 TTFT vs FULL
        (chunk KV in page-locked host memory); --quick: 512 and 2048 only, fewer runs and decode steps""";

  private BenchGpuCommand() {
  }

  static void run(String[] args, Terminal term) throws IOException {
    Options o = Options.parse("bench-gpu", args, 1, Set.of("--model", "--prefill", "--decode-context",
        "--decode-tokens", "--chunks", "--chunk-tokens", "--prefix-tokens", "--question-tokens", "--runs", "--json",
        "--seed"), Set.of("--quick"));
    PrintStream out = term.out();
    String missing = CudaProbe.unavailable();
    if (missing != null) {
      out.println("bench-gpu: no CUDA device: skipped (" + missing + ")");
      return;
    }
    Path dir = o.directory("--model");
    boolean quick = o.has("--quick");
    int[] lengths = lengths(o.string("--prefill", quick ? "512,2048" : "512,2048,8192"));
    int context = o.positiveInt("--decode-context", 512);
    int steps = o.positiveInt("--decode-tokens", quick ? 32 : 128);
    int chunkCount = o.positiveInt("--chunks", 6);
    int chunkTokens = o.positiveInt("--chunk-tokens", 512);
    int prefixTokens = o.positiveInt("--prefix-tokens", 32);
    int questionTokens = o.positiveInt("--question-tokens", 32);
    int runs = o.positiveInt("--runs", quick ? 1 : 3);
    SplittableRandom random = new SplittableRandom(o.longValue("--seed", 7));
    ObjectNode json = JsonMapper.builder().build().createObjectNode();

    try (CudaBackend gpu = CudaBackend.open(0); Transformer model = Transformer.load(dir, gpu)) {
      ModelConfig c = model.config();
      out.printf(Locale.ROOT, "bench-gpu: %s (%s, %d layers, hidden %d, heads %d/%d x %d, vocab %d, %s)%n", dir,
          c.architecture().hfName(), c.layers(), c.hiddenSize(), c.heads(), c.kvHeads(), c.headDim(), c.vocabSize(),
          c.dtype());
      out.println("backend: " + gpu.describe());
      out.flush();
      json.put("device", gpu.deviceName());
      json.put("backend", gpu.describe());
      json.put("model", dir.toString());

      long t0 = System.nanoTime();
      new ModelSession(model, 8).feed(ids(random, 4, c));
      double upload = (System.nanoTime() - t0) / 1e9;
      out.printf(Locale.ROOT, "weights on the device: %.1f GB in %.1f s (first pass: upload and kernel warm-up)%n",
          gpu.weightBytes() / 1e9, upload);

      double tflops = DeviceCeilings.gemmTflops(gpu, 8192, 8192, 8192, quick ? 3 : 5);
      double bandwidth = DeviceCeilings.copyBandwidth(gpu, 2L << 30, quick ? 5 : 10);
      out.printf(Locale.ROOT, "ceilings: cuBLAS bf16 GEMM 8192^3 %.0f TFLOP/s; device copy %.0f GB/s (read + write)%n",
          tflops, bandwidth);
      ObjectNode ceilings = json.putObject("ceilings");
      ceilings.put("gemm_bf16_8192_tflops", tflops);
      ceilings.put("copy_bandwidth_gbs", bandwidth);
      out.flush();

      ArrayNode prefill = json.putArray("prefill");
      out.printf(Locale.ROOT, "%-8s %10s %12s %14s %12s%n", "tokens", "ms", "tokens/s", "GEMM floor ms", "of floor");
      for (int n : lengths) {
        int[] prompt = ids(random, n, c);
        double[] ms = new double[runs];
        for (int r = -1; r < runs; r++) {
          ModelSession s = new ModelSession(model, n + 1);
          long a = System.nanoTime();
          s.feed(prompt);
          double t = (System.nanoTime() - a) / 1e6;
          if (r >= 0) {
            ms[r] = t;
          }
        }
        double med = median(ms);
        double floor = DeviceCeilings.modelGemmMillis(gpu, model.weights(), n, quick ? 2 : 3);
        out.printf(Locale.ROOT, "%-8d %10.1f %12.0f %14.1f %11.0f%%%n", n, med, n / (med / 1e3), floor,
            100 * floor / med);
        out.flush();
        ObjectNode p = prefill.addObject();
        p.put("tokens", n);
        p.put("ms", med);
        p.put("tokens_per_s", n / (med / 1e3));
        p.put("gemm_floor_ms", floor);
        p.put("runs_ms", Arrays.toString(ms));
      }

      ModelSession s = new ModelSession(model, context + steps + 8);
      float[] logits = s.feed(ids(random, context, c));
      for (int i = 0; i < 4; i++) {
        logits = s.feed(new int[] {BenchEngineCommand.argmax(logits)});
      }
      long d0 = System.nanoTime();
      for (int i = 0; i < steps; i++) {
        logits = s.feed(new int[] {BenchEngineCommand.argmax(logits)});
      }
      double perToken = (System.nanoTime() - d0) / 1e9 / steps;
      double meanContext = context + 4 + steps / 2.0;
      double bytes = weightBytes(model) + 2.0 * c.layers() * c.kvHeads() * c.headDim() * 2 * meanContext;
      double roofline = bandwidth * 1e9 / bytes;
      out.printf(Locale.ROOT, "decode: %.1f tokens/s at batch 1 (%.2f ms/token, context %d..%d); roofline %.1f "
          + "tokens/s (%.2f GB/token at %.0f GB/s): %.0f%% of it%n", 1 / perToken, perToken * 1e3, context,
          context + 4 + steps, roofline, bytes / 1e9, bandwidth, 100 * (1 / perToken) / roofline);
      ObjectNode decode = json.putObject("decode");
      decode.put("tokens_per_s", 1 / perToken);
      decode.put("ms_per_token", perToken * 1e3);
      decode.put("context", context);
      decode.put("steps", steps);
      decode.put("bytes_per_token", bytes);
      decode.put("roofline_tokens_per_s", roofline);
      decode.put("fraction_of_roofline", (1 / perToken) / roofline);
      out.flush();

      ttft(model, gpu, random, prefixTokens, chunkCount, chunkTokens, questionTokens, Math.max(3, runs), out,
          json.putObject("ttft"));
      profile(model, gpu, random, lengths[lengths.length - 1], context, out, json.putObject("profile"));
    }
    if (o.has("--json")) {
      Path file = Path.of(o.string("--json"));
      Files.writeString(file, json.toPrettyString());
      out.println("wrote " + file);
    }
  }

  /**
   * FULL, CACHEBLEND@0.15, NAIVE and FULL + SnapKV 4x: fusion (and compression) plus the first token's logits, stored
   * KV in page-locked memory. SnapKV's scoring and compaction run on the host; their own time is reported too.
   */
  private static void ttft(Transformer model, CudaBackend gpu, SplittableRandom random, int prefixTokens,
                           int chunkCount, int chunkTokens, int questionTokens, int runs, PrintStream out,
                           ObjectNode json) {
    ModelConfig c = model.config();
    int[] prefix = ids(random, prefixTokens, c);
    List<int[]> chunks = new ArrayList<>();
    for (int i = 0; i < chunkCount; i++) {
      chunks.add(ids(random, chunkTokens, c));
    }
    int[] question = ids(random, questionTokens, c);
    ChunkEncoder encoder = new ChunkEncoder(model, "bench-gpu");
    ChunkKv prefixKv = encoder.prefix(prefix);
    List<ChunkKv> stored = new ArrayList<>();
    for (int[] chunk : chunks) {
      stored.add(pinned(gpu, encoder.chunk(prefixKv, chunk)));
    }
    ChunkKvSource source = ChunkKvSource.of(pinned(gpu, prefixKv), stored);
    List<FusionPlan> plans = FusionPlan.parseList("full,cacheblend,naive,"
        + "full+snapkv:window=32,kernel=15,keep=0.25,pooling=max");
    double[][] ms = new double[plans.size()][runs];
    double[][] compressionMs = new double[plans.size()][runs];
    double[] recomputed = new double[plans.size()];
    for (int r = -2; r < runs; r++) {
      for (int m = 0; m < plans.size(); m++) {
        long a = System.nanoTime();
        FusionPlan.Fused fused = plans.get(m).run(model, prefix, chunks, question, source);
        fused.prompt().lastLogits();
        double t = (System.nanoTime() - a) / 1e6;
        if (r >= 0) {
          ms[m][r] = t;
          compressionMs[m][r] = fused.compressionNanos() / 1e6;
        }
        recomputed[m] = fused.prompt().recompute().recomputedFraction();
      }
      System.gc();
    }
    double full = median(ms[0]);
    out.printf(Locale.ROOT, "TTFT, prefix %d + %d chunks x %d + question %d tokens, chunk KV in page-locked host "
        + "memory (median of %d):%n", prefixTokens, chunkCount, chunkTokens, questionTokens, runs);
    json.put("prefix_tokens", prefixTokens);
    json.put("chunks", chunkCount);
    json.put("chunk_tokens", chunkTokens);
    json.put("question_tokens", questionTokens);
    ArrayNode modes = json.putArray("modes");
    for (int m = 0; m < plans.size(); m++) {
      double med = median(ms[m]);
      out.printf(Locale.ROOT, "  %-36s %8.1f ms %6.2fx below FULL, %5.1f%% of the context recomputed%s%n",
          plans.get(m).describe(), med, full / med, 100 * recomputed[m], plans.get(m).snapkv() == null ? ""
              : String.format(Locale.ROOT, ", SnapKV's own scoring and compaction %.1f ms", median(compressionMs[m])));
      ObjectNode mode = modes.addObject();
      mode.put("mode", plans.get(m).describe());
      mode.put("ttft_ms", med);
      mode.put("speedup_vs_full", full / med);
      mode.put("recomputed_fraction", recomputed[m]);
      mode.put("runs_ms", Arrays.toString(ms[m]));
      if (plans.get(m).snapkv() != null) {
        mode.put("snapkv_ms", median(compressionMs[m]));
      }
    }
    // CACHEBLEND's device time per operation: a span that waits for arriving chunk KV shows the wait, so this tells
    // transfer-bound from compute-bound
    gpu.profile(true);
    try {
      long a = System.nanoTime();
      plans.get(1).run(model, prefix, chunks, question, source).prompt().lastLogits();
      double wall = (System.nanoTime() - a) / 1e6;
      Map<String, Double> spans = gpu.profileTotals();
      out.printf(Locale.ROOT, "where the device time of one %s TTFT goes (%.1f ms wall, profiled):%n%s",
          plans.get(1).describe(), wall, CudaBackend.formatProfile(spans));
      spans.forEach(json.putObject("cacheblend_profile_ms")::put);
    } finally {
      gpu.profile(false);
    }
  }

  /** Device time per operation of one prefill of {@code n} tokens and of 16 decode steps after {@code context}. */
  private static void profile(Transformer model, CudaBackend gpu, SplittableRandom random, int n, int context,
                              PrintStream out, ObjectNode json) {
    ModelConfig c = model.config();
    gpu.profile(true);
    try {
      if (n > 2048) {
        // the middle length too: where a shorter prefill loses time is not the long one's story (attention shrinks)
        new ModelSession(model, 2049).feed(ids(random, 2048, c));
        Map<String, Double> shorter = gpu.profileTotals();
        out.printf(Locale.ROOT, "where the device time of one 2048-token prefill goes:%n%s",
            CudaBackend.formatProfile(shorter));
        shorter.forEach(json.putObject("prefill_2048_ms")::put);
      }
      new ModelSession(model, n + 1).feed(ids(random, n, c));
      Map<String, Double> prefill = gpu.profileTotals();
      ModelSession s = new ModelSession(model, context + 24);
      float[] logits = s.feed(ids(random, context, c));
      gpu.profileTotals();
      for (int i = 0; i < 16; i++) {
        logits = s.feed(new int[] {BenchEngineCommand.argmax(logits)});
      }
      Map<String, Double> decode = gpu.profileTotals();
      out.printf(Locale.ROOT, "where the device time of one %d-token prefill goes:%n%s", n,
          CudaBackend.formatProfile(prefill));
      out.printf(Locale.ROOT, "where the device time of 16 decode steps goes:%n%s", CudaBackend.formatProfile(decode));
      json.put("prefill_tokens", n);
      prefill.forEach(json.putObject("prefill_ms")::put);
      json.put("decode_steps", 16);
      decode.forEach(json.putObject("decode_ms")::put);
    } finally {
      gpu.profile(false);
    }
  }

  /** {@code kv} copied into the backend's page-locked storage, as the store's local tier would hold it. */
  private static ChunkKv pinned(CudaBackend gpu, ChunkKv kv) {
    int kvHeads = kv.kv().layer(0).kvHeads();
    int hd = kv.kv().layer(0).headDim();
    KvCache copy = KvCache.copyOf(kv.kv(), () -> gpu.newStoredLayerKv(kvHeads, hd, kv.length()));
    return new ChunkKv(kv.modelId(), kv.basePosition(), kv.tokenIds(), copy);
  }

  /** Bytes of every matrix a decode step reads once (the projections of every layer and the output head). */
  static double weightBytes(Transformer model) {
    double total = 0;
    for (LayerWeights l : model.weights().layers()) {
      for (Weight w : new Weight[] {l.q(), l.k(), l.v(), l.o(), l.gate(), l.up(), l.down()}) {
        total += w.data().byteSize();
      }
    }
    return total + model.weights().lmHead().data().byteSize();
  }

  private static int[] lengths(String list) {
    String[] parts = list.split(",");
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Integer.parseInt(parts[i].strip());
      } catch (NumberFormatException e) {
        throw new UsageException("--prefill takes token counts separated by commas, got '" + parts[i] + "'");
      }
      if (out[i] < 1) {
        throw new UsageException("--prefill token counts must be positive, got " + out[i]);
      }
    }
    return out;
  }

  /** Ordinary token ids: below the first special token when config.json names one inside the vocabulary. */
  private static int[] ids(SplittableRandom r, int n, ModelConfig c) {
    int bound = c.bosTokenId().isPresent() && c.bosTokenId().getAsInt() > 16 ? c.bosTokenId().getAsInt()
        : c.vocabSize();
    return r.ints(n, 0, Math.min(bound, c.vocabSize())).toArray();
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
