package dev.kvrag.engine.model;

import dev.kvrag.engine.compute.DType;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * Small random checkpoints, one per architecture, with dimensions that are not multiples of the vector width
 * (so every kernel's tail path runs) and the features that set each family apart.
 */
final class TestModels {

  private TestModels() {
  }

  static ModelConfig config(String name) {
    int[] full = new int[2];
    return switch (name) {
      // Llama-3 RoPE scaling over a short original context so all three frequency bands occur; biases on.
      case "llama" -> new ModelConfig(Architecture.LLAMA, 40, 72, 2, 4, 2, 10, 61, 1e-5f,
          Rope.llama3(500000, 8, 1, 4, 32), false, true, true, DType.BF16, full, OptionalInt.of(1), new int[] {2});
      // Explicit head_dim (32 ≠ 64/4) and a 5-token sliding window on every layer.
      case "mistral" -> new ModelConfig(Architecture.MISTRAL, 64, 96, 2, 4, 2, 32, 50, 1e-6f, Rope.plain(10000),
          false, false, false, DType.F16, new int[] {5, 5}, OptionalInt.of(1), new int[] {2});
      // q/k/v bias, tied embeddings, one kv head for four query heads.
      case "qwen2" -> new ModelConfig(Architecture.QWEN2, 64, 96, 2, 4, 1, 16, 70, 1e-6f, Rope.plain(1000000), true,
          false, false, DType.F32, full, OptionalInt.of(1), new int[] {2});
      // q/k norms, explicit head_dim (16 ≠ 32/4), attention bias on q/k/v/o.
      case "qwen3" -> new ModelConfig(Architecture.QWEN3, 32, 56, 2, 4, 2, 16, 45, 1e-6f, Rope.plain(1000000),
          false, true, false, DType.BF16, full, OptionalInt.of(1), new int[] {2});
      default -> throw new IllegalArgumentException(name);
    };
  }

  static Path write(Path root, String name) {
    Path dir = root.resolve(name);
    ModelConfig c = config(name);
    RandomCheckpoint.write(dir, c, c.dtype(), 7);
    return dir;
  }

  static int[] ids(int n, int vocab, long seed) {
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = r.nextInt(vocab);
    }
    return ids;
  }

  static int[] range(int from, int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = from + i;
    }
    return r;
  }
}
