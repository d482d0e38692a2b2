package dev.kvrag.engine.model;

import dev.kvrag.engine.compute.DType;
import dev.kvrag.engine.compute.Weight;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One named tensor of a safetensors file: its stored dtype name, shape and bytes (a slice of the file's
 * mapping, so reading it touches only the pages it needs).
 *
 * @param dtypeName the safetensors dtype string ({@code BF16}, {@code F32}, {@code I64}, ...)
 */
public record Tensor(String name, String dtypeName, long[] shape, MemorySegment data, Path file) {

  private static final ValueLayout.OfShort SHORT_LE =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfFloat FLOAT_LE =
      ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  /** The dtype, or a {@link ModelFormatException} naming the tensor when the engine cannot compute with it. */
  public DType dtype() {
    DType t = DType.fromSafetensors(dtypeName);
    if (t == null) {
      throw new ModelFormatException("tensor " + name + " in " + file + " has dtype " + dtypeName
          + " (supported: BF16, F16, F32)");
    }
    return t;
  }

  public long elements() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  /** This tensor as a weight matrix, after checking its shape is exactly {@code [rows, cols]}. */
  public Weight matrix(int rows, int cols) {
    expectShape(rows, cols);
    return new Weight(name, dtype(), rows, cols, data);
  }

  /** This 1-D tensor (a norm weight or bias) of length {@code length}, widened to fp32. */
  public float[] vector(int length) {
    expectShape(length);
    DType t = dtype();
    float[] out = new float[length];
    for (int i = 0; i < length; i++) {
      long off = (long) i * t.bytes();
      out[i] = switch (t) {
        case BF16 -> Float.intBitsToFloat(data.get(SHORT_LE, off) << 16);
        case F16 -> Float.float16ToFloat(data.get(SHORT_LE, off));
        case F32 -> data.get(FLOAT_LE, off);
      };
    }
    return out;
  }

  public void expectShape(long... expected) {
    if (!Arrays.equals(shape, expected)) {
      throw new ModelFormatException("tensor " + name + " in " + file + " has shape " + Arrays.toString(shape)
          + ", expected " + Arrays.toString(expected));
    }
  }
}
