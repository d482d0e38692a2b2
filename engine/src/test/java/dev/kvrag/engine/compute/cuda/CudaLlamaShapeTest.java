package dev.kvrag.engine.compute.cuda;

import static dev.kvrag.engine.compute.cuda.SharedCudaBackend.l2RelativeError;
import static dev.kvrag.engine.compute.cuda.SharedCudaBackend.relativeError;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.engine.compress.FusionPlan;
import dev.kvrag.engine.compute.DType;
import dev.kvrag.engine.compute.cpu.CpuBackend;
import dev.kvrag.engine.fusion.ChunkKvSource;
import dev.kvrag.engine.kv.ChunkEncoder;
import dev.kvrag.engine.kv.ChunkKv;
import dev.kvrag.engine.kv.KvCache;
import dev.kvrag.engine.model.Architecture;
import dev.kvrag.engine.model.ModelConfig;
import dev.kvrag.engine.model.ModelSession;
import dev.kvrag.engine.model.RandomCheckpoint;
import dev.kvrag.engine.model.Rope;
import dev.kvrag.engine.model.Transformer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small random model with Llama-3.1-8B's per-head shape (head dim 128, 4 query heads per kv head, llama3 RoPE, bf16):
 * the paths the exactness fixtures (head dims 16 to 32) do not reach — tensor-core flash attention, bf16 cuBLAS at
 * real widths, stored chunk KV fused from page-locked memory on the copy stream — on the bf16 backend within 2e-2
 * relative L2 of the CPU; and the fp32 backend within 1e-3 of the maximum for every fusion mode, CacheBlend's and
 * SnapKV's selections included. Skipped without a GPU.
 */
@ExtendWith(RequiresCuda.class)
class CudaLlamaShapeTest {

  static CpuBackend cpu;
  @TempDir
  static Path dir;

  @BeforeAll
  static void start() {
    cpu = new CpuBackend(4);
    ModelConfig c = new ModelConfig(Architecture.LLAMA, 512, 1024, 2, 8, 2, 128, 1000, 1e-5f,
        Rope.llama3(500000, 8, 1, 4, 8192), false, false, false, DType.BF16, new int[2], OptionalInt.of(1),
        new int[] {2});
    RandomCheckpoint.write(dir, c, DType.BF16, 11);
  }

  @AfterAll
  static void stop() {
    cpu.close();
  }

  static int[] ids(int n, long seed) {
    return new SplittableRandom(seed).ints(n, 3, 1000).toArray();
  }

  /** Asserts the bf16 result within 2e-2 relative L2 and the fp32 one within 1e-3 of the maximum; a log line. */
  static String check(String what, float[] bf16, float[] fp32, float[] cpu) {
    double l2 = l2RelativeError(bf16, cpu);
    double tight = relativeError(fp32, cpu);
    assertTrue(l2 <= 2e-2, what + ": bf16 relative L2 " + l2);
    assertTrue(tight <= 1e-3, what + ": fp32 " + tight);
    return String.format(java.util.Locale.ROOT, "%s: bf16 L2 %.2e, fp32 %.2e vs the CPU", what, l2, tight);
  }

  @Test
  void prefillAndDecodeMatchTheCpu() {
    try (Transformer g = Transformer.load(dir, SharedCudaBackend.get());
         Transformer e = Transformer.load(dir, SharedCudaBackend.exact()); Transformer c = Transformer.load(dir, cpu)) {
      ModelSession sg = new ModelSession(g);
      ModelSession se = new ModelSession(e);
      ModelSession sc = new ModelSession(c);
      int[] prompt = ids(300, 1);
      System.out.println(check("prefill of 300 tokens", sg.feed(prompt), se.feed(prompt), sc.feed(prompt)));
      int[] next = ids(12, 2);
      for (int i = 0; i < next.length; i++) {
        int[] t = {next[i]};
        String line = check("decode step " + i, sg.feed(t), se.feed(t), sc.feed(t));
        if (i == next.length - 1) {
          System.out.println(line);
        }
      }
    }
  }

  @Test
  void fusionFromPageLockedChunkKvMatchesTheCpu() {
    try (Transformer g = Transformer.load(dir, SharedCudaBackend.get());
         Transformer e = Transformer.load(dir, SharedCudaBackend.exact()); Transformer c = Transformer.load(dir, cpu)) {
      int[] prefix = ids(20, 3);
      List<int[]> chunks = List.of(ids(150, 4), ids(90, 5), ids(120, 6));
      int[] question = ids(24, 7);
      ChunkEncoder encoder = new ChunkEncoder(c, "shape");
      ChunkKv prefixKv = encoder.prefix(prefix);
      List<ChunkKv> hostChunks = new ArrayList<>();
      List<ChunkKv> pinnedChunks = new ArrayList<>();
      for (int[] chunk : chunks) {
        ChunkKv kv = encoder.chunk(prefixKv, chunk);
        hostChunks.add(kv);
        pinnedChunks.add(pinned(kv));
      }
      ChunkKvSource onHost = ChunkKvSource.of(prefixKv, hostChunks);
      ChunkKvSource onPinned = ChunkKvSource.of(pinned(prefixKv), pinnedChunks);
      for (String spec : new String[] {"full", "naive", "cacheblend:ratio=1", "cacheblend", "ape",
          "naive+snapkv:capacity=200,window=16", "cacheblend+snapkv:capacity=200,window=16"}) {
        FusionPlan plan = FusionPlan.parse(spec);
        FusionPlan.Fused fg = plan.run(g, prefix, chunks, question, onPinned);
        FusionPlan.Fused fe = plan.run(e, prefix, chunks, question, onHost);
        FusionPlan.Fused fc = plan.run(c, prefix, chunks, question, onHost);
        int[] t = {5};
        float[] qg = fg.prompt().questionLogits();
        float[] qe = fe.prompt().questionLogits();
        float[] qc = fc.prompt().questionLogits();
        float[] dg = fg.session().feed(t);
        float[] de = fe.session().feed(t);
        float[] dc = fc.session().feed(t);
        assertTrue(java.util.Arrays.equals(fe.prompt().recompute().recomputedSlots(),
            fc.prompt().recompute().recomputedSlots()), spec + ": fp32 picks differ from the CPU's");
        if (spec.startsWith("cacheblend:ratio=1") || !(spec.startsWith("cacheblend") || spec.contains("snapkv"))) {
          System.out.println(check(spec + " question logits", qg, qe, qc));
          check(spec + " then a decode step", dg, de, dc);
        } else {
          // bf16 noise may move the top-k picks at near ties: bf16 measured and printed, fp32 held tight
          assertTrue(relativeError(qe, qc) <= 1e-3 && relativeError(de, dc) <= 1e-3, spec + ": fp32 "
              + relativeError(qe, qc) + ", then " + relativeError(de, dc));
          System.out.printf("%s: bf16 question logits L2 %.2e, then a decode step %.2e vs the CPU; fp32 %.2e, %.2e%n",
              spec, l2RelativeError(qg, qc), l2RelativeError(dg, dc), relativeError(qe, qc), relativeError(de, dc));
        }
      }
    }
  }

  /** {@code kv} copied into the GPU backend's page-locked storage. */
  static ChunkKv pinned(ChunkKv kv) {
    KvCache stored = KvCache.copyOf(kv.kv(), () -> SharedCudaBackend.get().newStoredLayerKv(kv.kv().layer(0).kvHeads(),
        kv.kv().layer(0).headDim(), kv.length()));
    return new ChunkKv(kv.modelId(), kv.basePosition(), kv.tokenIds(), stored);
  }
}
