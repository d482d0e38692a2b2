package dev.kvrag.bench;

import dev.kvrag.bench.BenchCli.UsageException;
import dev.kvrag.common.kv.KvDtype;
import dev.kvrag.common.kv.KvQuantization;

/**
 * How the benchmarks store chunk KV in the chunk-KV blob format, by the name their {@code --kv} option takes:
 * {@code f32}, {@code bf16}, {@code f16} (the same two bytes as bf16, rounded eight times more finely), or {@code int8}
 * (per-channel quantized).
 */
public record StoredKv(String name, KvDtype dtype, KvQuantization quantization) {

  public static StoredKv parse(String name) {
    return switch (name) {
      case "f32" -> new StoredKv(name, KvDtype.F32, KvQuantization.NONE);
      case "bf16" -> new StoredKv(name, KvDtype.BF16, KvQuantization.NONE);
      case "f16" -> new StoredKv(name, KvDtype.F16, KvQuantization.NONE);
      case "int8" -> new StoredKv(name, KvDtype.F32, KvQuantization.INT8_CHANNEL);
      default -> throw new UsageException("--kv must be f32, bf16, f16 or int8, got '" + name + "'");
    };
  }
}
