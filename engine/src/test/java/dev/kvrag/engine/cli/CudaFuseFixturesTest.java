package dev.kvrag.engine.cli;

import org.junit.jupiter.api.extension.ExtendWith;
import dev.kvrag.engine.compute.cuda.RequiresCuda;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.engine.compute.cpu.CpuBackend;
import dev.kvrag.engine.compute.cuda.CudaBackend;
import dev.kvrag.engine.compute.cuda.SharedCudaBackend;
import dev.kvrag.engine.model.NpyReader;
import dev.kvrag.engine.model.Transformer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every fusion fixture case (FULL, PREFIX, NAIVE, CACHEBLEND at ratios 0 to 1, APE, SnapKV after each; 120 cases on
 * three checkpoints) through {@code ./kvrag fuse}'s path on the GPU against the CPU: logits within 2e-2 of the row
 * maximum (bf16 KV and bf16 matrix-product inputs on the GPU). The error against the float64 reference is printed per
 * mode. Skipped without a GPU.
 */
@ExtendWith(RequiresCuda.class)
class CudaFuseFixturesTest {

  static final double TOLERANCE = 2e-2;

  static CudaBackend gpu;
  static CpuBackend cpu;

  @BeforeAll
  static void start() {
    gpu = SharedCudaBackend.get();
    cpu = new CpuBackend(2);
  }

  @AfterAll
  static void stop() {
    if (cpu != null) {
      cpu.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama-bf16", "qwen3-bf16", "qwen2-fp32"})
  void everyFusionModeOnTheGpuMatchesTheCpu(String name) throws IOException {
    Path dir = FuseFixturesTest.FIXTURES.resolve(name);
    try (Transformer onGpu = Transformer.load(dir, gpu); Transformer onCpu = Transformer.load(dir, cpu)) {
      int vocab = onGpu.config().vocabSize();
      List<FuseCommand.Case> cases = FuseCommand.readCases(dir.resolve("cases.jsonl"), onGpu.config());
      List<String> failures = new ArrayList<>();
      Map<String, Double> vsCpu = new TreeMap<>();
      Map<String, Double> vsReference = new TreeMap<>();
      for (FuseCommand.Case c : cases) {
        float[] ours = FuseCommand.logits(onGpu, name, c, FuseCommand.KvEncoding.F32);
        float[] cpuLogits = FuseCommand.logits(onCpu, name, c, FuseCommand.KvEncoding.F32);
        NpyReader ref = NpyReader.read(dir.resolve("expected/" + c.line() + ".npy"));
        double err = FuseFixturesTest.worstRowError(ours, cpuLogits, c.rows(), vocab);
        String mode = (c.plan().mode().describe() + (c.plan().snapkv() == null ? "" : " + snapkv"))
            .replaceAll(":[^ ]*", "");
        vsCpu.merge(mode, err, Math::max);
        vsReference.merge(mode, FuseFixturesTest.worstRowError(ours, ref.data(), c.rows(), vocab), Math::max);
        if (!(err <= TOLERANCE)) {
          failures.add("case " + c.line() + " (" + c.plan().describe() + "): " + String.format("%.2e", err));
        }
      }
      System.out.println(name + " on the GPU: worst row error vs CPU by mode " + vsCpu + "; vs float64 reference "
          + vsReference);
      assertEquals(40, cases.size());
      assertTrue(failures.isEmpty(), name + ": " + failures.size() + " cases off: " + failures);
    }
  }
}
