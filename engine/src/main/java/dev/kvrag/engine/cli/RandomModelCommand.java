package dev.kvrag.engine.cli;

import dev.kvrag.engine.compute.DType;
import dev.kvrag.engine.model.Architecture;
import dev.kvrag.engine.model.ModelConfig;
import dev.kvrag.engine.model.RandomCheckpoint;
import dev.kvrag.engine.model.Rope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Set;

/**
 * {@code random-model --out DIR (--shape NAME | --config FILE)}: writes a random-weight checkpoint (config.json +
 * model.safetensors) for benchmarks, e.g. at Qwen2.5-0.5B shape, or for any supported config.json. Weights are
 * streamed to disk, so shapes larger than the heap are fine.
 */
final class RandomModelCommand {

  static final String USAGE = """
      usage: ./kvrag random-model --out DIR (--shape qwen2.5-0.5b | --config CONFIG.json) [--dtype bf16|f16|f32]
                                  [--seed S]
        writes config.json and model.safetensors with random weights (bf16 by default)""";

  private RandomModelCommand() {
  }

  /** Qwen2.5-0.5B: 24 layers, hidden 896, 14 heads / 2 kv heads of 64, MLP 4864, vocab 151936, tied, q/k/v bias. */
  static ModelConfig qwen25HalfB() {
    return new ModelConfig(Architecture.QWEN2, 896, 4864, 24, 14, 2, 64, 151936, 1e-6f, Rope.plain(1000000.0), true,
        false, false, DType.BF16, new int[24], OptionalInt.of(151643), new int[] {151643});
  }

  static void run(String[] args, Terminal term) {
    Options o = Options.parse("random-model", args, 1, Set.of("--out", "--shape", "--config", "--dtype", "--seed"),
        Set.of());
    Path out = Path.of(o.string("--out"));
    if (o.has("--shape") == o.has("--config")) {
      throw new UsageException("give exactly one of --shape qwen2.5-0.5b and --config FILE");
    }
    ModelConfig config;
    if (o.has("--shape")) {
      String shape = o.string("--shape").toLowerCase(Locale.ROOT);
      if (!shape.equals("qwen2.5-0.5b")) {
        throw new UsageException("unknown --shape " + shape + " (known: qwen2.5-0.5b)");
      }
      config = qwen25HalfB();
    } else {
      Path file = Path.of(o.string("--config"));
      if (!Files.isRegularFile(file)) {
        throw new UsageException("--config " + file + ": no such file");
      }
      config = ModelConfig.read(file.toAbsolutePath().getParent());
      if (!file.getFileName().toString().equals("config.json")) {
        throw new UsageException("--config must name a file called config.json");
      }
    }
    DType dtype = switch (o.string("--dtype", "bf16").toLowerCase(Locale.ROOT)) {
      case "bf16", "bfloat16" -> DType.BF16;
      case "f16", "fp16", "float16" -> DType.F16;
      case "f32", "fp32", "float32" -> DType.F32;
      default -> throw new UsageException("--dtype must be bf16, f16 or f32, got " + o.string("--dtype"));
    };
    RandomCheckpoint.write(out, config, dtype, o.longValue("--seed", 0));
    term.out().println("wrote " + out.resolve("model.safetensors") + " (" + config.architecture().hfName() + ", "
        + dtype + ")");
  }
}
