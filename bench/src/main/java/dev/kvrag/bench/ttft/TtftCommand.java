package dev.kvrag.bench.ttft;

import dev.kvrag.bench.BenchCli;
import dev.kvrag.bench.BenchCli.Flags;
import dev.kvrag.bench.BenchCli.UsageException;
import dev.kvrag.bench.StoredKv;
import dev.kvrag.common.kv.ChunkEncoding;
import dev.kvrag.common.kv.ChunkKey;
import dev.kvrag.engine.compress.FusionPlan;
import dev.kvrag.engine.compute.DType;
import dev.kvrag.engine.compute.cpu.CpuBackend;
import dev.kvrag.engine.fusion.ChunkKvSource;
import dev.kvrag.engine.kv.ChunkEncoder;
import dev.kvrag.engine.kv.ChunkKv;
import dev.kvrag.engine.model.Architecture;
import dev.kvrag.engine.model.ModelConfig;
import dev.kvrag.engine.model.RandomCheckpoint;
import dev.kvrag.engine.model.Rope;
import dev.kvrag.engine.model.Transformer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * {@code ./kvrag bench-ttft}: time to first token per fusion mode on the CPU, for a grid of chunk counts and
 * chunk lengths, with the stored chunk KV in the loop — decoding the chunk-KV blobs, re-positioning, fusing (and
 * SnapKV when the mode asks for it), the first token's logits. Contents are random token ids: TTFT does not depend
 * on them. Without {@code --model} it times a random bf16 checkpoint of the demo model's shape (a Llama of
 * {@code --layers} × 256, 8/2 heads of 32, SwiGLU 768, vocab 8,192).
 *
 * <p>Each row is the median of {@code --runs} timed runs after two warm-ups, modes interleaved per run so that
 * load from other processes spreads evenly; the ratio column is FULL's median over the mode's. The last line gives
 * CacheBlend's work bound (c+1)/L + r·(L−c−1)/L of FULL for the model's L.
 */
public final class TtftCommand implements BenchCli.Command {

  private static final Set<String> OPTIONS = Set.of("model", "layers", "chunks", "lengths", "prefix", "question",
      "modes", "kv", "threads", "runs", "seed");
  private static final String DEFAULT_MODES = "full,naive,cacheblend:ratio=0.15,check_layer=1,ape:t=0.9,s=0.9";

  @Override
  public String name() {
    return "bench-ttft";
  }

  @Override
  public List<String> usage() {
    return List.of("bench-ttft [--model DIR | --layers 12] [--chunks 1,2,4,6] [--lengths 128,256,512] "
            + "[--prefix 16] [--question 32]",
        "           [--modes " + DEFAULT_MODES + "] [--kv f32|bf16|f16|int8] [--threads N] [--runs 5] [--seed S]");
  }

  @Override
  public int run(List<String> args, PrintStream out) throws IOException {
    Flags f = Flags.parse(args, OPTIONS);
    if (!f.positional().isEmpty()) {
      throw new UsageException("unexpected argument '" + f.positional().getFirst() + "'");
    }
    int[] chunkCounts = ints(f, "chunks", "1,2,4,6");
    int[] lengths = ints(f, "lengths", "128,256,512");
    int prefixLength = f.intValue("prefix", 16, 1);
    int questionLength = f.intValue("question", 32, 1);
    int threads = f.intValue("threads", Runtime.getRuntime().availableProcessors(), 1);
    int runs = f.intValue("runs", 5, 1);
    long seed = f.has("seed") ? f.longValue("seed") : 5;
    List<FusionPlan> plans = FusionPlan.parseList(f.string("modes", DEFAULT_MODES));
    if (!plans.getFirst().describe().startsWith("full")) {
      throw new UsageException("--modes must start with full: the ratios are against it");
    }
    StoredKv stored = StoredKv.parse(f.string("kv", "f32"));

    Path dir;
    if (f.has("model")) {
      dir = Path.of(f.string("model"));
    } else {
      int layers = f.intValue("layers", 12, 1);
      dir = Files.createTempDirectory("kvrag-ttft");
      RandomCheckpoint.write(dir, demoShape(layers), DType.BF16, 17);
    }
    try (CpuBackend backend = new CpuBackend(threads); Transformer model = Transformer.load(dir, backend)) {
      int vocab = model.config().vocabSize();
      SplittableRandom random = new SplittableRandom(seed);
      ChunkEncoder encoder = new ChunkEncoder(model, "bench-ttft");
      out.printf("bench-ttft: %s, %s (%d layers); prefix %d + chunks + question %d tokens; stored KV %s; "
              + "median of %d runs%n", dir.getFileName(), backend.describe(), model.config().layers(), prefixLength,
          questionLength, stored.name(), runs);
      out.printf("%-7s %-7s %-44s %10s %8s %11s %10s%n", "chunks", "length", "mode", "TTFT ms", "vs full", "recomputed",
          "snapkv ms");
      for (int length : lengths) {
        for (int count : chunkCounts) {
          int[] prefix = ids(random, prefixLength, vocab);
          List<int[]> chunks = new ArrayList<>();
          for (int i = 0; i < count; i++) {
            chunks.add(ids(random, length, vocab));
          }
          int[] question = ids(random, questionLength, vocab);
          ChunkKv prefixKv = encoder.prefix(prefix);
          byte[] prefixBlob = blob(stored, prefixKv, prefix, new int[0]);
          List<byte[]> blobs = new ArrayList<>();
          for (int[] chunk : chunks) {
            blobs.add(blob(stored, encoder.chunk(prefixKv, chunk), prefix, chunk));
          }
          double[][] ms = new double[plans.size()][runs];
          double[][] compressionMs = new double[plans.size()][runs];
          double[] recomputed = new double[plans.size()];
          for (int r = -2; r < runs; r++) {
            for (int m = 0; m < plans.size(); m++) {
              long t0 = System.nanoTime();
              FusionPlan.Fused fused = plans.get(m).run(model, prefix, chunks, question,
                  ChunkKvSource.decoding(prefixBlob, blobs));
              fused.prompt().lastLogits();
              double t = (System.nanoTime() - t0) / 1e6;
              if (r >= 0) {
                ms[m][r] = t;
                compressionMs[m][r] = fused.compressionNanos() / 1e6;
              }
              recomputed[m] = fused.prompt().recompute().recomputedFraction();
            }
          }
          double full = median(ms[0]);
          for (int m = 0; m < plans.size(); m++) {
            double med = median(ms[m]);
            out.printf("%-7d %-7d %-44s %10.1f %7.2fx %10.1f%% %10s%n", count, length, plans.get(m).describe(), med,
                full / med, 100 * recomputed[m], plans.get(m).snapkv() == null ? "-"
                    : String.format(Locale.ROOT, "%.1f", median(compressionMs[m])));
          }
        }
      }
      int layers = model.config().layers();
      out.printf("CacheBlend work bound with L = %d, c = 1, r = 0.15: (c+1)/L + r(L-c-1)/L = %.3f of FULL "
          + "(at most %.2fx by linear work; FULL's attention grows with the square of the prompt, so long prompts "
          + "can beat it), plus loading and rotating the stored KV%n", layers, bound(layers, 1, 0.15),
          1 / bound(layers, 1, 0.15));
    }
    return 0;
  }

  static double bound(int layers, int checkLayer, double ratio) {
    return (checkLayer + 1.0) / layers + ratio * (layers - checkLayer - 1.0) / layers;
  }

  /** The demo model's shape (docs/DEMO-MODEL.md) with {@code layers} layers. */
  static ModelConfig demoShape(int layers) {
    return new ModelConfig(Architecture.LLAMA, 256, 768, layers, 8, 2, 32, 8192, 1e-5f, Rope.plain(10000), true,
        false, false, DType.BF16, new int[layers], OptionalInt.of(1), new int[] {2});
  }

  private static byte[] blob(StoredKv stored, ChunkKv kv, int[] prefix, int[] chunk) {
    String key = ChunkKey.of("bench-ttft", "ids", ChunkEncoding.afterPrefix(prefix), chunk).hex();
    return kv.toBlob(key, stored.dtype(), stored.quantization());
  }

  private static int[] ints(Flags f, String name, String fallback) {
    String[] parts = f.string(name, fallback).split(",");
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Integer.parseInt(parts[i].strip());
      } catch (NumberFormatException e) {
        throw new UsageException("--" + name + " takes whole numbers separated by commas, got '" + parts[i] + "'");
      }
      if (out[i] < 1) {
        throw new UsageException("--" + name + " values must be positive, got " + out[i]);
      }
    }
    return out;
  }

  private static int[] ids(SplittableRandom r, int n, int vocab) {
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = 3 + r.nextInt(vocab - 3);
    }
    return ids;
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v[v.length / 2];
  }
}
