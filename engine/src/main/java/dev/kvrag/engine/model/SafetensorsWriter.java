package dev.kvrag.engine.model;

import dev.kvrag.engine.compute.DType;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes {@code .safetensors} files, streaming each tensor's values so a checkpoint larger than the heap can
 * be produced (random benchmark weights at real model shapes). Values are given in fp32 and stored in the
 * tensor's dtype, rounding to nearest even for bf16 and fp16.
 */
public final class SafetensorsWriter {

  /** The value of element {@code index} (row-major) of a tensor. */
  @FunctionalInterface
  public interface Values {
    float at(long index);
  }

  private record Entry(String name, DType dtype, long[] shape, Values values) {
    long elements() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }
  }

  private final List<Entry> entries = new ArrayList<>();

  public SafetensorsWriter add(String name, DType dtype, long[] shape, Values values) {
    entries.add(new Entry(name, dtype, shape.clone(), values));
    return this;
  }

  public SafetensorsWriter add(String name, DType dtype, long[] shape, float[] values) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    if (n != values.length) {
      throw new IllegalArgumentException("tensor " + name + ": " + values.length + " values for " + n + " elements");
    }
    return add(name, dtype, shape, i -> values[(int) i]);
  }

  /** Bytes the data section will take. */
  public long dataBytes() {
    long total = 0;
    for (Entry e : entries) {
      total += e.elements() * e.dtype().bytes();
    }
    return total;
  }

  public void write(Path file) {
    ObjectNode header = JsonMapper.builder().build().createObjectNode();
    long offset = 0;
    for (Entry e : entries) {
      ObjectNode t = header.putObject(e.name());
      t.put("dtype", e.dtype().safetensorsName());
      ArrayNode shape = t.putArray("shape");
      for (long d : e.shape()) {
        shape.add(d);
      }
      long bytes = e.elements() * e.dtype().bytes();
      ArrayNode offsets = t.putArray("data_offsets");
      offsets.add(offset);
      offsets.add(offset + bytes);
      offset += bytes;
    }
    header.putObject("__metadata__").put("format", "pt");
    byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
      out.write(len.array());
      out.write(json);
      for (int i = json.length; i < padded; i++) {
        out.write(' ');
      }
      ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
      for (Entry e : entries) {
        long n = e.elements();
        for (long i = 0; i < n; i++) {
          if (buf.remaining() < 4) {
            out.write(buf.array(), 0, buf.position());
            buf.clear();
          }
          float v = e.values().at(i);
          switch (e.dtype()) {
            case F32 -> buf.putFloat(v);
            case BF16 -> buf.putShort(toBf16(v));
            case F16 -> buf.putShort(Float.floatToFloat16(v));
          }
        }
      }
      out.write(buf.array(), 0, buf.position());
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot write " + file, ex);
    }
  }

  /** fp32 → bf16 with round-to-nearest-even (NaN stays NaN), as {@code torch.Tensor.to(torch.bfloat16)}. */
  public static short toBf16(float v) {
    int bits = Float.floatToRawIntBits(v);
    if (Float.isNaN(v)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    int rounding = 0x7FFF + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }
}
