package dev.kvrag.engine.compute.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.engine.compute.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class StoredFloatsTest {

  static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  static MemorySegment allShorts(Arena arena) {
    MemorySegment seg = arena.allocate(65536L * 2);
    for (int i = 0; i < 65536; i++) {
      seg.setAtIndex(SHORT, i, (short) i);
    }
    return seg;
  }

  @Test
  void everyFp16BitPatternWidensExactlyIncludingSubnormalsInfinitiesAndNans() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment seg = allShorts(arena);
      float[] out = new float[65536];
      StoredFloats.widen(seg, DType.F16, 0, 65536, out, 0);
      for (int i = 0; i < 65536; i++) {
        float expected = Float.float16ToFloat((short) i);
        if (Float.isNaN(expected)) {
          assertTrue(Float.isNaN(out[i]), "fp16 0x" + Integer.toHexString(i));
        } else {
          assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(out[i]),
              "fp16 0x" + Integer.toHexString(i));
        }
      }
    }
  }

  @Test
  void everyBf16BitPatternIsTheTopHalfOfAnFp32() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment seg = allShorts(arena);
      float[] out = new float[65536];
      StoredFloats.widen(seg, DType.BF16, 0, 65536, out, 0);
      for (int i = 0; i < 65536; i++) {
        assertEquals(i << 16, Float.floatToRawIntBits(out[i]), "bf16 0x" + Integer.toHexString(i));
      }
    }
  }

  @Test
  void unalignedStartsAndShortTailsWidenLikeTheScalarPath() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment seg = allShorts(arena);
      for (DType t : new DType[] {DType.BF16, DType.F16}) {
        float[] out = new float[40];
        StoredFloats.widen(seg, t, 2 * 12345 + 2, 37, out, 3);
        for (int i = 0; i < 37; i++) {
          float expected = StoredFloats.scalar(seg, t, 2L * (12346 + i));
          assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(out[3 + i]), t + " element " + i);
        }
      }
    }
  }
}
