package dev.kvrag.engine.cli;

import dev.kvrag.common.kv.ChunkKvContent;
import dev.kvrag.common.kv.ChunkKvFormat;
import dev.kvrag.common.kv.KvDtype;
import dev.kvrag.common.kv.KvQuantization;
import dev.kvrag.engine.compute.cpu.CpuBackend;
import dev.kvrag.engine.kv.ChunkEncoder;
import dev.kvrag.engine.kv.ChunkKv;
import dev.kvrag.engine.model.NpyReader;
import dev.kvrag.engine.model.Transformer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What storing chunk KV in f16, bf16 or int8 (per channel) costs, on the fusion fixtures' checkpoints: the
 * error of K and V themselves (per channel, relative to the channel's max), and the logits of every fixture case
 * that reuses stored KV against the float64 reference, next to the same with f32 storage. Prints tables. Run from
 * the engine module after {@code test-compile}:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes:$(deps) \
 *     dev.kvrag.engine.cli.KvEncodingAccuracy
 * </pre>
 */
public final class KvEncodingAccuracy {

  private KvEncodingAccuracy() {
  }

  public static void main(String[] args) throws IOException {
    String[] encodings = {"f32", "f16", "bf16", "int8"};
    try (CpuBackend backend = new CpuBackend(Runtime.getRuntime().availableProcessors())) {
      System.out.println("K/V error of stored chunks: max |x' - x| / max |x| per channel, mean and worst channel");
      System.out.printf("%-12s %-6s %12s %12s %12s %12s%n", "model", "enc", "K mean", "K worst", "V mean", "V worst");
      for (String name : new String[] {"llama-bf16", "qwen3-bf16", "qwen2-fp32"}) {
        Path dir = FuseFixturesTest.FIXTURES.resolve(name);
        try (Transformer model = Transformer.load(dir, backend)) {
          List<FuseCommand.Case> cases = FuseCommand.readCases(dir.resolve("cases.jsonl"), model.config());
          ChunkEncoder encoder = new ChunkEncoder(model, name);
          List<ChunkKvContent> stored = new ArrayList<>();
          for (FuseCommand.Case c : cases) {
            ChunkKv prefix = encoder.prefix(c.prefix());
            for (int[] chunk : c.chunks()) {
              stored.add(encoder.chunk(prefix, chunk).toContent("0".repeat(64)));
            }
          }
          for (String e : encodings) {
            FuseCommand.KvEncoding enc = FuseCommand.KvEncoding.parse(e);
            double[] k = new double[2];
            double[] v = new double[2];
            long channels = 0;
            for (ChunkKvContent kv : stored) {
              ChunkKvContent back = ChunkKvFormat.decode(ChunkKvFormat.encode(kv, enc.dtype(), enc.quantization()));
              channels += channelErrors(kv.keys(), back.keys(), kv, k);
              channelErrors(kv.values(), back.values(), kv, v);
            }
            System.out.printf("%-12s %-6s %12.2e %12.2e %12.2e %12.2e%n", name, e, k[0] / channels, k[1],
                v[0] / channels, v[1]);
          }
        }
      }
      System.out.println();
      System.out.println("logits vs the float64 reference, per row max|ours - ref| / max|ref|: median / worst over "
          + "the cases of each mode that reuse stored KV");
      System.out.printf("%-12s %-18s %22s %22s %22s %22s%n", "model", "mode", "f32", "f16", "bf16", "int8");
      for (String name : new String[] {"llama-bf16", "qwen3-bf16", "qwen2-fp32"}) {
        Path dir = FuseFixturesTest.FIXTURES.resolve(name);
        try (Transformer model = Transformer.load(dir, backend)) {
          int vocab = model.config().vocabSize();
          List<FuseCommand.Case> cases = FuseCommand.readCases(dir.resolve("cases.jsonl"), model.config());
          Map<String, List<double[]>> byMode = new TreeMap<>();
          for (FuseCommand.Case c : cases) {
            String mode = c.plan().mode().describe().replaceAll(":.*", "") + (c.plan().snapkv() == null ? "" : "+snapkv");
            if (mode.equals("full")) {
              continue;
            }
            NpyReader ref = NpyReader.read(dir.resolve("expected/" + c.line() + ".npy"));
            double[] errs = new double[encodings.length];
            for (int i = 0; i < encodings.length; i++) {
              float[] ours = FuseCommand.logits(model, name, c, FuseCommand.KvEncoding.parse(encodings[i]));
              errs[i] = FuseFixturesTest.worstRowError(ours, ref.data(), c.rows(), vocab);
            }
            byMode.computeIfAbsent(mode, m -> new ArrayList<>()).add(errs);
          }
          for (Map.Entry<String, List<double[]>> m : byMode.entrySet()) {
            StringBuilder row = new StringBuilder(String.format("%-12s %-18s", name, m.getKey()));
            for (int i = 0; i < encodings.length; i++) {
              double[] col = new double[m.getValue().size()];
              for (int j = 0; j < col.length; j++) {
                col[j] = m.getValue().get(j)[i];
              }
              Arrays.sort(col);
              row.append(String.format(" %10.2e / %9.2e", col[col.length / 2], col[col.length - 1]));
            }
            System.out.println(row);
          }
        }
      }
    }
  }

  /** Adds the sum of per-channel relative errors to {@code acc[0]}, the max to {@code acc[1]}; returns channels. */
  private static long channelErrors(float[][] x, float[][] y, ChunkKvContent kv, double[] acc) {
    int n = kv.tokenCount();
    int hd = kv.headDim();
    long channels = 0;
    for (int l = 0; l < x.length; l++) {
      for (int h = 0; h < kv.kvHeads(); h++) {
        for (int d = 0; d < hd; d++) {
          double diff = 0;
          double max = 0;
          for (int t = 0; t < n; t++) {
            int i = (h * n + t) * hd + d;
            diff = Math.max(diff, Math.abs(x[l][i] - y[l][i]));
            max = Math.max(max, Math.abs(x[l][i]));
          }
          double rel = max == 0 ? 0 : diff / max;
          acc[0] += rel;
          acc[1] = Math.max(acc[1], rel);
          channels++;
        }
      }
    }
    return channels;
  }
}
