package dev.kvrag.engine.compute.cpu;

import dev.kvrag.engine.compute.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Widening of stored weights (bf16, fp16, fp32 in a memory-mapped segment, little-endian) to fp32 vectors.
 *
 * <p>bf16 is the top half of an fp32, so widening is a 16-bit left shift. fp16 is rebiased: moving its
 * exponent+mantissa bits up by 13 gives the fp32 bit pattern of {@code value · 2^-112}, and one multiply by
 * 2^112 (exact: a power of two) restores the value, subnormals included; inf/NaN get the fp32 exponent
 * forced to all ones.
 */
final class StoredFloats {

  static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  static final int L = F.length();
  static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
  static final VectorSpecies<Short> S =
      VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));

  private static final ValueLayout.OfShort SHORT_LE =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfFloat FLOAT_LE =
      ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

  private StoredFloats() {
  }

  /** {@link #L} bf16 values at {@code byteOffset}, widened. */
  static FloatVector bf16(MemorySegment seg, long byteOffset) {
    ShortVector s = ShortVector.fromMemorySegment(S, seg, byteOffset, LE);
    IntVector i = (IntVector) s.convertShape(VectorOperators.S2I, I, 0);
    return i.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
  }

  /** {@link #L} fp16 values at {@code byteOffset}, widened. */
  static FloatVector f16(MemorySegment seg, long byteOffset) {
    ShortVector s = ShortVector.fromMemorySegment(S, seg, byteOffset, LE);
    IntVector h = (IntVector) s.convertShape(VectorOperators.S2I, I, 0);
    IntVector sign = h.and(0x8000).lanewise(VectorOperators.LSHL, 16);
    IntVector em = h.and(0x7FFF);
    IntVector shifted = em.lanewise(VectorOperators.LSHL, 13);
    IntVector finite = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
    VectorMask<Integer> infOrNan = em.compare(VectorOperators.GE, 0x7C00);
    IntVector special = shifted.or(0x7F800000);
    return finite.blend(special, infOrNan).or(sign).reinterpretAsFloats();
  }

  /** {@link #L} fp32 values at {@code byteOffset}. */
  static FloatVector f32(MemorySegment seg, long byteOffset) {
    return FloatVector.fromMemorySegment(F, seg, byteOffset, LE);
  }

  static FloatVector load(MemorySegment seg, DType t, long byteOffset) {
    return switch (t) {
      case BF16 -> bf16(seg, byteOffset);
      case F16 -> f16(seg, byteOffset);
      case F32 -> f32(seg, byteOffset);
    };
  }

  /** One stored value, widened. */
  static float scalar(MemorySegment seg, DType t, long byteOffset) {
    return switch (t) {
      case BF16 -> Float.intBitsToFloat(seg.get(SHORT_LE, byteOffset) << 16);
      case F16 -> Float.float16ToFloat(seg.get(SHORT_LE, byteOffset));
      case F32 -> seg.get(FLOAT_LE, byteOffset);
    };
  }

  /** Widens {@code count} consecutive stored values starting at {@code byteOffset} into {@code dst[dstOff..]}. */
  static void widen(MemorySegment seg, DType t, long byteOffset, int count, float[] dst, int dstOff) {
    int bytes = t.bytes();
    int bound = count - count % L;
    int i = 0;
    switch (t) {
      case BF16 -> {
        for (; i < bound; i += L) {
          bf16(seg, byteOffset + (long) i * bytes).intoArray(dst, dstOff + i);
        }
      }
      case F16 -> {
        for (; i < bound; i += L) {
          f16(seg, byteOffset + (long) i * bytes).intoArray(dst, dstOff + i);
        }
      }
      case F32 -> {
        for (; i < bound; i += L) {
          f32(seg, byteOffset + (long) i * bytes).intoArray(dst, dstOff + i);
        }
      }
    }
    for (; i < count; i++) {
      dst[dstOff + i] = scalar(seg, t, byteOffset + (long) i * bytes);
    }
  }
}
