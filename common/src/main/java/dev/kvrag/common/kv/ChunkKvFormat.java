package dev.kvrag.common.kv;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The chunk-KV blob, version 1: the one serializer of chunk KV caches (workers write it, the cache-service
 * stores it, the engine reads it). Little-endian throughout:
 *
 * <pre>
 *   offset  bytes  field
 *   0       8      magic "KVRAGCKV"
 *   8       2      version (1)
 *   10      1      dtype code (1 F32, 2 F16, 3 BF16)
 *   11      1      quantization code (0 none, 1 int8 per channel)
 *   12      4      layers
 *   16      4      kv heads
 *   20      4      head dim
 *   24      4      token count n
 *   28      4      base position
 *   32      8      blob length in bytes, checksum included
 *   40      2+m    model id (u16 length, UTF-8)
 *           2+c    chunk key (u16 length, UTF-8)
 *           4·n    token ids (int32)
 *           ...    per layer: K block, then V block
 *   end-4   4      CRC32C of every byte before it
 * </pre>
 *
 * A K or V block is {@code [kvHeads][n][headDim]} elements of the dtype; with int8 quantization it is
 * {@code kvHeads · headDim} scales of the dtype (one per channel, {@code [kvHeads][headDim]}) followed by
 * {@code [kvHeads][n][headDim]} int8 values, {@code x = scale · q}.
 *
 * <p>Decoding checks, in this order, the length against the fixed header, the magic, the version, the length
 * against the declared length (truncation), the checksum (any corrupted byte), then the header's consistency;
 * a blob that fails any check raises {@link ChunkKvFormatException} and nothing of it is used.
 */
public final class ChunkKvFormat {

  public static final int VERSION = 1;
  private static final byte[] MAGIC = "KVRAGCKV".getBytes(StandardCharsets.US_ASCII);
  private static final int FIXED_HEADER = 40;
  private static final int CHECKSUM = 4;

  private ChunkKvFormat() {
  }

  /** Serializes {@code kv} storing elements as {@code dtype}, quantized as {@code quantization}. */
  public static byte[] encode(ChunkKvContent kv, KvDtype dtype, KvQuantization quantization) {
    byte[] model = kv.modelId().getBytes(StandardCharsets.UTF_8);
    byte[] key = kv.chunkKey().getBytes(StandardCharsets.UTF_8);
    if (model.length > 0xFFFF || key.length > 0xFFFF) {
      throw new IllegalArgumentException("model id and chunk key must be shorter than 65,536 bytes");
    }
    int n = kv.tokenCount();
    long total = totalBytes(model.length, key.length, kv.layers(), kv.kvHeads(), kv.headDim(), n, dtype, quantization);
    if (total > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("chunk KV of " + total + " bytes is too large for one blob");
    }
    ByteBuffer b = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).putShort((short) VERSION).put((byte) dtype.code()).put((byte) quantization.code());
    b.putInt(kv.layers()).putInt(kv.kvHeads()).putInt(kv.headDim()).putInt(n).putInt(kv.basePosition());
    b.putLong(total);
    b.putShort((short) model.length).put(model);
    b.putShort((short) key.length).put(key);
    for (int id : kv.tokenIds()) {
      b.putInt(id);
    }
    for (int l = 0; l < kv.layers(); l++) {
      checkFinite(kv.keys()[l], l, "K");
      checkFinite(kv.values()[l], l, "V");
      if (quantization == KvQuantization.INT8_CHANNEL) {
        putQuantized(b, kv.keys()[l], kv.kvHeads(), n, kv.headDim(), dtype);
        putQuantized(b, kv.values()[l], kv.kvHeads(), n, kv.headDim(), dtype);
      } else {
        putElements(b, kv.keys()[l], dtype);
        putElements(b, kv.values()[l], dtype);
      }
    }
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    return b.array();
  }

  /** Reads and checks a blob's header (and its checksum) without decoding the payload. */
  public static ChunkKvHeader header(byte[] blob) {
    ByteBuffer b = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
    if (blob.length < FIXED_HEADER + 2 + 2 + CHECKSUM) {
      throw new ChunkKvFormatException("truncated chunk-KV blob: " + blob.length + " bytes, shorter than its "
          + (FIXED_HEADER + 2 + 2 + CHECKSUM) + "-byte minimum");
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (blob[i] != MAGIC[i]) {
        throw new ChunkKvFormatException("not a chunk-KV blob: bad magic (expected \"KVRAGCKV\")");
      }
    }
    b.position(MAGIC.length);
    int version = Short.toUnsignedInt(b.getShort());
    if (version != VERSION) {
      throw new ChunkKvFormatException("unsupported chunk-KV format version " + version + " (this build reads "
          + "version " + VERSION + ")");
    }
    int dtypeCode = Byte.toUnsignedInt(b.get());
    int quantCode = Byte.toUnsignedInt(b.get());
    int layers = b.getInt();
    int kvHeads = b.getInt();
    int headDim = b.getInt();
    int tokens = b.getInt();
    int base = b.getInt();
    long declared = b.getLong();
    if (blob.length < declared) {
      throw new ChunkKvFormatException("truncated chunk-KV blob: " + blob.length + " of its " + declared + " bytes");
    }
    if (blob.length > declared) {
      throw new ChunkKvFormatException("chunk-KV blob has " + (blob.length - declared) + " bytes after its declared "
          + "end (" + declared + " bytes)");
    }
    CRC32C crc = new CRC32C();
    crc.update(blob, 0, blob.length - CHECKSUM);
    int stored = ByteBuffer.wrap(blob, blob.length - CHECKSUM, CHECKSUM).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (stored != (int) crc.getValue()) {
      throw new ChunkKvFormatException(String.format("corrupted chunk-KV blob: CRC32C mismatch (stored %08x, "
          + "computed %08x)", stored, (int) crc.getValue()));
    }
    // Past the checksum a bad field means a writer bug, not a damaged transfer; still never trusted blindly.
    KvDtype dtype = KvDtype.ofCode(dtypeCode);
    KvQuantization quant = KvQuantization.ofCode(quantCode);
    if (layers <= 0 || kvHeads <= 0 || headDim <= 0 || tokens <= 0 || base < 0) {
      throw new ChunkKvFormatException("inconsistent chunk-KV header: layers " + layers + ", kv heads " + kvHeads
          + ", head dim " + headDim + ", tokens " + tokens + ", base position " + base);
    }
    String model = string(b, blob.length, "model id");
    String key = string(b, blob.length, "chunk key");
    long expected = totalBytes(model.getBytes(StandardCharsets.UTF_8).length,
        key.getBytes(StandardCharsets.UTF_8).length, layers, kvHeads, headDim, tokens, dtype, quant);
    if (expected != declared) {
      throw new ChunkKvFormatException("inconsistent chunk-KV header: its shape needs " + expected + " bytes, the "
          + "blob declares " + declared);
    }
    return new ChunkKvHeader(version, model, key, dtype, quant, layers, kvHeads, headDim, tokens, base, declared);
  }

  /** Decodes a blob; every check of {@link #header} applies. */
  public static ChunkKvContent decode(byte[] blob) {
    ChunkKvHeader h = header(blob);
    ByteBuffer b = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
    b.position(FIXED_HEADER + 2 + h.modelId().getBytes(StandardCharsets.UTF_8).length + 2
        + h.chunkKey().getBytes(StandardCharsets.UTF_8).length);
    int n = h.tokenCount();
    int[] ids = new int[n];
    for (int t = 0; t < n; t++) {
      ids[t] = b.getInt();
      if (ids[t] < 0) {
        throw new ChunkKvFormatException("chunk-KV blob holds a negative token id " + ids[t]);
      }
    }
    int per = h.kvHeads() * n * h.headDim();
    float[][] keys = new float[h.layers()][];
    float[][] values = new float[h.layers()][];
    for (int l = 0; l < h.layers(); l++) {
      keys[l] = new float[per];
      values[l] = new float[per];
      if (h.quantization() == KvQuantization.INT8_CHANNEL) {
        getQuantized(b, keys[l], h.kvHeads(), n, h.headDim(), h.dtype());
        getQuantized(b, values[l], h.kvHeads(), n, h.headDim(), h.dtype());
      } else {
        getElements(b, keys[l], h.dtype());
        getElements(b, values[l], h.dtype());
      }
    }
    return new ChunkKvContent(h.modelId(), h.chunkKey(), h.basePosition(), ids, h.layers(), h.kvHeads(),
        h.headDim(), keys, values);
  }

  private static long totalBytes(int model, int key, int layers, int kvHeads, int headDim, int tokens, KvDtype dtype,
                                 KvQuantization quant) {
    long elements = (long) kvHeads * tokens * headDim;
    long block = quant == KvQuantization.INT8_CHANNEL
        ? (long) kvHeads * headDim * dtype.bytes() + elements
        : elements * dtype.bytes();
    return FIXED_HEADER + 2L + model + 2L + key + 4L * tokens + 2L * layers * block + CHECKSUM;
  }

  private static String string(ByteBuffer b, int limit, String what) {
    int len = Short.toUnsignedInt(b.getShort());
    if (b.position() + len > limit - CHECKSUM) {
      throw new ChunkKvFormatException("inconsistent chunk-KV header: " + what + " runs past the blob");
    }
    byte[] bytes = new byte[len];
    b.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static void checkFinite(float[] x, int layer, String which) {
    for (float f : x) {
      if (!Float.isFinite(f)) {
        throw new IllegalArgumentException("chunk KV holds a non-finite " + which + " value in layer " + layer);
      }
    }
  }

  private static void putElements(ByteBuffer b, float[] x, KvDtype dtype) {
    switch (dtype) {
      case F32 -> {
        b.asFloatBuffer().put(x);
        b.position(b.position() + 4 * x.length);
      }
      case F16 -> {
        for (float f : x) {
          b.putShort(Float.floatToFloat16(f));
        }
      }
      case BF16 -> {
        for (float f : x) {
          b.putShort(toBf16(f));
        }
      }
    }
  }

  private static void getElements(ByteBuffer b, float[] x, KvDtype dtype) {
    switch (dtype) {
      case F32 -> {
        b.asFloatBuffer().get(x);
        b.position(b.position() + 4 * x.length);
      }
      case F16 -> {
        for (int i = 0; i < x.length; i++) {
          x[i] = Float.float16ToFloat(b.getShort());
        }
      }
      case BF16 -> {
        for (int i = 0; i < x.length; i++) {
          x[i] = Float.intBitsToFloat(b.getShort() << 16);
        }
      }
    }
  }

  /** Round to nearest even, as torch's {@code .to(torch.bfloat16)}. */
  static short toBf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    int rounding = 0x7FFF + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }

  private static float roundTrip(float f, KvDtype dtype) {
    return switch (dtype) {
      case F32 -> f;
      case F16 -> Float.float16ToFloat(Float.floatToFloat16(f));
      case BF16 -> Float.intBitsToFloat(toBf16(f) << 16);
    };
  }

  private static void putQuantized(ByteBuffer b, float[] x, int kvHeads, int n, int headDim, KvDtype dtype) {
    float[] scales = new float[kvHeads * headDim];
    for (int h = 0; h < kvHeads; h++) {
      for (int t = 0; t < n; t++) {
        int row = (h * n + t) * headDim;
        for (int d = 0; d < headDim; d++) {
          scales[h * headDim + d] = Math.max(scales[h * headDim + d], Math.abs(x[row + d]));
        }
      }
    }
    for (int c = 0; c < scales.length; c++) {
      // Quantize against the scale as stored, so that decoding multiplies by exactly the scale used here.
      scales[c] = roundTrip(scales[c] / 127f, dtype);
    }
    putElements(b, scales, dtype);
    for (int h = 0; h < kvHeads; h++) {
      for (int t = 0; t < n; t++) {
        int row = (h * n + t) * headDim;
        for (int d = 0; d < headDim; d++) {
          float s = scales[h * headDim + d];
          int q = s == 0f ? 0 : Math.round(x[row + d] / s);
          b.put((byte) Math.max(-127, Math.min(127, q)));
        }
      }
    }
  }

  private static void getQuantized(ByteBuffer b, float[] x, int kvHeads, int n, int headDim, KvDtype dtype) {
    float[] scales = new float[kvHeads * headDim];
    getElements(b, scales, dtype);
    for (int h = 0; h < kvHeads; h++) {
      for (int t = 0; t < n; t++) {
        int row = (h * n + t) * headDim;
        for (int d = 0; d < headDim; d++) {
          x[row + d] = scales[h * headDim + d] * b.get();
        }
      }
    }
  }
}
