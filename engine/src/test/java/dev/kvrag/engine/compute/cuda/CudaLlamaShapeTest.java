package dev.kvrag.engine.compute.cuda;

import org.junit.jupiter.api.extension.ExtendWith;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * A small random model with Llama-3.1-8B's per-head shape (head dim 128, 4 query heads per kv head, llama3 RoPE, bf16):
 * the paths the exactness fixtures (head dims 16 to 32) do not reach — tensor-core flash attention, bf16 cuBLAS at
 * real widths, stored chunk KV fused from page-locked memory on the copy stream — against the CPU. Skipped without a
 * GPU.
 */
@ExtendWith(RequiresCuda.class)
class CudaLlamaShapeTest {

  static CudaBackend gpu;
  static CpuBackend cpu;
  @TempDir
  static Path dir;

  @BeforeAll
  static void start() {
    gpu = SharedCudaBackend.get();
    cpu = new CpuBackend(2);
    ModelConfig c = new ModelConfig(Architecture.LLAMA, 512, 1024, 2, 8, 2, 128, 1000, 1e-5f,
        Rope.llama3(500000, 8, 1, 4, 8192), false, false, false, DType.BF16, new int[2], OptionalInt.of(1),
        new int[] {2});
    RandomCheckpoint.write(dir, c, DType.BF16, 11);
  }

  @AfterAll
  static void stop() {
    if (cpu != null) {
      cpu.close();
    }
  }

  static int[] ids(int n, long seed) {
    return new SplittableRandom(seed).ints(n, 3, 1000).toArray();
  }

  @Test
  void prefillAndDecodeMatchTheCpu() {
    try (Transformer g = Transformer.load(dir, gpu); Transformer c = Transformer.load(dir, cpu)) {
      ModelSession sg = new ModelSession(g);
      ModelSession sc = new ModelSession(c);
      int[] prompt = ids(300, 1);
      double err = relativeError(sg.feed(prompt), sc.feed(prompt));
      assertTrue(err <= 2e-2, "prefill of 300 tokens: " + err);
      int[] next = ids(12, 2);
      for (int i = 0; i < next.length; i++) {
        double step = relativeError(sg.feed(new int[] {next[i]}), sc.feed(new int[] {next[i]}));
        assertTrue(step <= 2e-2, "decode step " + i + ": " + step);
      }
    }
  }

  @Test
  void fusionFromPageLockedChunkKvMatchesTheCpu() {
    try (Transformer g = Transformer.load(dir, gpu); Transformer c = Transformer.load(dir, cpu)) {
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
          "naive+snapkv:capacity=200,window=16"}) {
        FusionPlan plan = FusionPlan.parse(spec);
        FusionPlan.Fused fg = plan.run(g, prefix, chunks, question, onPinned);
        FusionPlan.Fused fc = plan.run(c, prefix, chunks, question, onHost);
        double err = relativeError(fg.prompt().questionLogits(), fc.prompt().questionLogits());
        int[] picksG = fg.prompt().recompute().recomputedSlots();
        int[] picksC = fc.prompt().recompute().recomputedSlots();
        int common = 0;
        for (int a : picksG) {
          for (int b : picksC) {
            if (a == b) {
              common++;
              break;
            }
          }
        }
        System.out.printf("%s on the GPU: question logits error %.3g vs CPU; %d of %d recomputed tokens shared%n",
            spec, err, common, picksC.length);
        // CacheBlend at 0.15 may pick other tokens where deviations tie at bf16; its logits are reported, not held
        if (!spec.equals("cacheblend")) {
          assertTrue(err <= 2e-2, spec + ": " + err);
        }
        double next = relativeError(fg.session().feed(new int[] {5}), fc.session().feed(new int[] {5}));
        assertTrue(spec.equals("cacheblend") || next <= 2e-2, spec + " then decode: " + next);
      }
    }
  }

  /** {@code kv} copied into the GPU backend's page-locked storage. */
  static ChunkKv pinned(ChunkKv kv) {
    KvCache stored = KvCache.copyOf(kv.kv(), () -> gpu.newStoredLayerKv(kv.kv().layer(0).kvHeads(),
        kv.kv().layer(0).headDim(), kv.length()));
    return new ChunkKv(kv.modelId(), kv.basePosition(), kv.tokenIds(), stored);
  }
}
