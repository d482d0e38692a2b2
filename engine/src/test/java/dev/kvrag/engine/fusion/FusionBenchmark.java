package dev.kvrag.engine.fusion;

import dev.kvrag.common.kv.ChunkEncoding;
import dev.kvrag.common.kv.ChunkKey;
import dev.kvrag.common.kv.KvDtype;
import dev.kvrag.common.kv.KvQuantization;
import dev.kvrag.engine.compress.ScorePooling;
import dev.kvrag.engine.compress.SnapKv;
import dev.kvrag.engine.compute.DType;
import dev.kvrag.engine.compute.cpu.CpuBackend;
import dev.kvrag.engine.kv.ChunkEncoder;
import dev.kvrag.engine.kv.ChunkKv;
import dev.kvrag.engine.model.Architecture;
import dev.kvrag.engine.model.ModelConfig;
import dev.kvrag.engine.model.RandomCheckpoint;
import dev.kvrag.engine.model.Rope;
import dev.kvrag.engine.model.Transformer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;

/**
 * Time to first token per fusion mode on the CPU, stored KV included: decoding the chunk-KV blobs, re-positioning,
 * fusing, the first token's logits. A random checkpoint of the demo model's shape (Llama, 12 layers × 256, 8/2
 * heads of 32, SwiGLU 768, vocab 8,192, bf16); a prompt of a 16-token prefix, {@code chunks} chunks of
 * {@code length} tokens and a 32-token question. Run from the engine module after {@code test-compile}:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes:$(deps) \
 *     dev.kvrag.engine.fusion.FusionBenchmark [chunks=6] [length=512] [threads=N] [layers=12] [runs=5]
 * </pre>
 *
 * Prints the median of {@code runs} timed runs after two warm-up runs per mode.
 */
public final class FusionBenchmark {

  private FusionBenchmark() {
  }

  public static void main(String[] args) throws IOException {
    int chunks = arg(args, "chunks", 6);
    int length = arg(args, "length", 512);
    int threads = arg(args, "threads", Runtime.getRuntime().availableProcessors());
    int layers = arg(args, "layers", 12);
    int runs = arg(args, "runs", 5);
    ModelConfig c = new ModelConfig(Architecture.LLAMA, 256, 768, layers, 8, 2, 32, 8192, 1e-5f, Rope.plain(10000),
        true, false, false, DType.BF16, new int[layers], OptionalInt.of(1), new int[] {2});
    Path dir = Files.createTempDirectory("kvrag-fusion-bench");
    RandomCheckpoint.write(dir, c, DType.BF16, 17);
    SplittableRandom r = new SplittableRandom(5);
    int[] prefix = ids(r, 16);
    List<int[]> chunkIds = new ArrayList<>();
    for (int i = 0; i < chunks; i++) {
      chunkIds.add(ids(r, length));
    }
    int[] question = ids(r, 32);
    try (CpuBackend backend = new CpuBackend(threads); Transformer model = Transformer.load(dir, backend)) {
      ChunkEncoder encoder = new ChunkEncoder(model, "bench");
      ChunkKv prefixKv = encoder.prefix(prefix);
      System.out.printf("%s, %d layers; prompt %d + %d × %d + %d tokens%n", backend.describe(), layers, prefix.length,
          chunks, length, question.length);
      System.out.printf("%-34s %10s %8s %10s %10s%n", "mode (stored KV)", "TTFT ms", "vs full", "recomputed", "work");
      String[] modes = {"full", "prefix", "naive", "cacheblend:ratio=0.15,check_layer=1", "ape:t=0.9,s=0.9"};
      Encoding[] encodings = {new Encoding("f32", KvDtype.F32, KvQuantization.NONE),
          new Encoding("bf16", KvDtype.BF16, KvQuantization.NONE),
          new Encoding("int8", KvDtype.F32, KvQuantization.INT8_CHANNEL)};
      double full = 0;
      for (Encoding e : encodings) {
        byte[] prefixBlob = prefixKv.toBlob(key(prefix, new int[0]), e.dtype(), e.quantization());
        List<byte[]> blobs = new ArrayList<>();
        long bytes = 0;
        for (int[] chunk : chunkIds) {
          byte[] b = encoder.chunk(prefixKv, chunk).toBlob(key(prefix, chunk), e.dtype(), e.quantization());
          bytes += b.length;
          blobs.add(b);
        }
        System.out.printf("-- stored KV %s: %.1f MB for %d chunks%n", e.name(), bytes / 1e6, chunks);
        for (String spec : modes) {
          if (spec.equals("full") && !e.name().equals("f32")) {
            continue;
          }
          FusionStrategy mode = FusionModes.parse(spec);
          FusionInput in = new FusionInput(prefix, chunkIds, question, ChunkKvSource.decoding(prefixBlob, blobs), 0);
          double[] ms = new double[runs];
          FusedPrompt last = null;
          for (int i = -2; i < runs; i++) {
            long t0 = System.nanoTime();
            FusedPrompt p = mode.fuse(model, in);
            p.lastLogits();
            double t = (System.nanoTime() - t0) / 1e6;
            if (i >= 0) {
              ms[i] = t;
            }
            last = p;
          }
          Arrays.sort(ms);
          double median = ms[runs / 2];
          if (spec.equals("full")) {
            full = median;
          }
          System.out.printf("%-34s %10.1f %7.2fx %9.1f%% %9.1f%%%n", spec, median, full / median,
              100 * last.recompute().recomputedFraction(), 100 * last.recompute().workFraction());
        }
      }
      // SnapKV on the CacheBlend cache: the cost of scoring and compacting, at 4x compression
      int n = prefix.length + chunks * length + question.length;
      SnapKv snap = new SnapKv(32, 5, n / 4, ScorePooling.AVG);
      FusionStrategy blend = FusionModes.parse("cacheblend");
      List<ChunkKv> kvs = new ArrayList<>();
      for (int[] chunk : chunkIds) {
        kvs.add(encoder.chunk(prefixKv, chunk));
      }
      FusionInput in = new FusionInput(prefix, chunkIds, question, ChunkKvSource.of(prefixKv, kvs), 32);
      double[] ms = new double[runs];
      for (int i = -2; i < runs; i++) {
        FusedPrompt p = blend.fuse(model, in);
        long t0 = System.nanoTime();
        snap.compress(p);
        if (i >= 0) {
          ms[i] = (System.nanoTime() - t0) / 1e6;
        }
      }
      Arrays.sort(ms);
      System.out.printf("%s on the cacheblend cache (%d -> %d slots): %.1f ms%n", snap, n, n / 4, ms[runs / 2]);
    }
  }

  private record Encoding(String name, KvDtype dtype, KvQuantization quantization) {
  }

  private static String key(int[] prefix, int[] chunk) {
    return ChunkKey.of("bench", "ids", ChunkEncoding.afterPrefix(prefix), chunk).hex();
  }

  private static int[] ids(SplittableRandom r, int n) {
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = 3 + r.nextInt(8000);
    }
    return ids;
  }

  private static int arg(String[] args, String name, int fallback) {
    for (String a : args) {
      if (a.startsWith(name + "=")) {
        return Integer.parseInt(a.substring(name.length() + 1));
      }
    }
    return fallback;
  }
}
