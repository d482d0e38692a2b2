package dev.kvrag.engine.fusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a sliding-window model, APE and SnapKV-compacted caches (which cannot apply the window: positions are shared
 * or slots compacted) work while every position stays inside the window, and refuse by name past it.
 */
class SlidingWindowTest {

  @TempDir
  Path tmp;

  @Test
  void apeAndCompactedCachesStayInsideTheWindowOrRefuse() {
    ModelConfig c = new ModelConfig(Architecture.MISTRAL, 32, 48, 2, 4, 2, 8, 50, 1e-6f, Rope.plain(10000), false,
        false, false, DType.F32, new int[] {24, 24}, OptionalInt.of(1), new int[] {2});
    RandomCheckpoint.write(tmp.resolve("m"), c, DType.F32, 3);
    try (CpuBackend backend = new CpuBackend(1); Transformer model = Transformer.load(tmp.resolve("m"), backend)) {
      ChunkEncoder encoder = new ChunkEncoder(model, "m");
      int[] prefix = {1, 5, 6};
      ChunkKv p = encoder.prefix(prefix);
      int[] a = {7, 8, 9, 10, 11, 12};
      int[] b = {13, 14, 15, 16};
      int[] question = {17, 18, 19};
      FusionInput in = new FusionInput(prefix, List.of(a, b), question,
          ChunkKvSource.of(p, List.of(encoder.chunk(p, a), encoder.chunk(p, b))), 2);
      FusedPrompt ape = new Ape(0.9, 0.9).fuse(model, in);
      FusedSession session = ape.session();
      for (int t = 0; t < 8; t++) {
        session.feed(new int[] {20 + t});
      }
      assertEquals(24, session.nextSlot());
      assertEquals("APE(T=0.9, S=0.9) over 25 positions is not supported on a model with a 24-token sliding window",
          assertThrows(IllegalArgumentException.class, () -> session.feed(new int[] {30})).getMessage());

      FusedPrompt full = new Full().fuse(model, in);
      FusedSession compacted = new SnapKv(2, 3, 10, ScorePooling.AVG).compress(full);
      for (int t = 0; t < 8; t++) {
        compacted.feed(new int[] {20 + t});
      }
      assertThrows(IllegalArgumentException.class, () -> compacted.feed(new int[] {30}));
      // plain sequential decoding applies the window itself and goes on
      FusedSession plain = new Full().fuse(model, in).session();
      for (int t = 0; t < 12; t++) {
        plain.feed(new int[] {20 + t});
      }
    }
  }
}
