package dev.kvrag.engine.model;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * A memory-mapped {@code .safetensors} file: an 8-byte little-endian header length, a JSON header mapping
 * each tensor name to {@code dtype}, {@code shape} and {@code data_offsets} (relative to the end of the
 * header), then the raw bytes. The whole file is mapped into the caller's arena (files over 2 GB are fine);
 * the heap holds only the header.
 */
public final class SafetensorsFile {

  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final long MAX_HEADER = 100L << 20;

  private final Path path;
  private final Map<String, Tensor> tensors;

  private SafetensorsFile(Path path, Map<String, Tensor> tensors) {
    this.path = path;
    this.tensors = tensors;
  }

  public Path path() {
    return path;
  }

  /** Tensors in header order. */
  public Map<String, Tensor> tensors() {
    return tensors;
  }

  /** Maps {@code path} into {@code arena} and validates every header entry against the file size. */
  public static SafetensorsFile open(Path path, Arena arena) {
    MemorySegment file;
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 8) {
        throw new ModelFormatException("safetensors file " + path + " is truncated: " + size + " bytes");
      }
      file = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
    } catch (NoSuchFileException e) {
      throw new ModelFormatException("missing file " + path);
    } catch (IOException e) {
      throw new ModelFormatException("cannot read " + path + ": " + e.getMessage(), e);
    }
    long size = file.byteSize();
    long headerLen = file.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
    if (headerLen <= 0 || headerLen > MAX_HEADER) {
      throw new ModelFormatException(path + " is not a safetensors file (header length " + headerLen + ")");
    }
    if (8 + headerLen > size) {
      throw new ModelFormatException("safetensors file " + path + " is truncated: header needs " + (8 + headerLen)
          + " bytes, file has " + size);
    }
    byte[] headerBytes = file.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE);
    JsonNode header;
    try {
      header = JSON.readTree(new String(headerBytes, StandardCharsets.UTF_8));
    } catch (JacksonException e) {
      throw new ModelFormatException(path + " is not a safetensors file (bad header JSON: " + e.getOriginalMessage()
          + ")", e);
    }
    if (!header.isObject()) {
      throw new ModelFormatException(path + " is not a safetensors file (header is not a JSON object)");
    }
    long dataStart = 8 + headerLen;
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (String name : header.propertyNames()) {
      if (name.equals("__metadata__")) {
        continue;
      }
      JsonNode entry = header.get(name);
      JsonNode shapeNode = entry.path("shape");
      JsonNode offsets = entry.path("data_offsets");
      if (!entry.path("dtype").isString() || !shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
        throw new ModelFormatException(path + ": malformed header entry for tensor " + name);
      }
      String dtype = entry.get("dtype").stringValue();
      long[] shape = new long[shapeNode.size()];
      long elements = 1;
      for (int i = 0; i < shape.length; i++) {
        shape[i] = shapeNode.get(i).asLong();
        if (shape[i] < 0) {
          throw new ModelFormatException(path + ": negative dimension in tensor " + name);
        }
        elements *= shape[i];
      }
      long begin = offsets.get(0).asLong();
      long end = offsets.get(1).asLong();
      if (begin < 0 || end < begin) {
        throw new ModelFormatException(path + ": bad data_offsets for tensor " + name);
      }
      if (dataStart + end > size) {
        throw new ModelFormatException("safetensors file " + path + " is truncated: tensor " + name + " ends at byte "
            + (dataStart + end) + ", file has " + size);
      }
      int elementBytes = switch (dtype) {
        case "BF16", "F16", "I16", "U16" -> 2;
        case "F32", "I32", "U32" -> 4;
        case "F64", "I64", "U64" -> 8;
        case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2" -> 1;
        default -> -1;
      };
      if (elementBytes > 0 && elements * elementBytes != end - begin) {
        throw new ModelFormatException(path + ": tensor " + name + " has " + (end - begin) + " bytes for "
            + elements + " " + dtype + " elements");
      }
      tensors.put(name, new Tensor(name, dtype, shape, file.asSlice(dataStart + begin, end - begin), path));
    }
    return new SafetensorsFile(path, tensors);
  }
}
