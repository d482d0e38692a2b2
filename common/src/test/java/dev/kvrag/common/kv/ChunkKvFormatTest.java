package dev.kvrag.common.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class ChunkKvFormatTest {

  static ChunkKvContent sample(int layers, int kvHeads, int headDim, int tokens, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] ids = new int[tokens];
    for (int t = 0; t < tokens; t++) {
      ids[t] = r.nextInt(50_000);
    }
    float[][] k = new float[layers][kvHeads * tokens * headDim];
    float[][] v = new float[layers][kvHeads * tokens * headDim];
    for (int l = 0; l < layers; l++) {
      for (int i = 0; i < k[l].length; i++) {
        // channel-dependent magnitudes, like real K with its outlier channels
        float channel = 1 + (i % headDim) % 5;
        k[l][i] = (float) (r.nextGaussian() * channel);
        v[l][i] = (float) r.nextGaussian();
      }
    }
    return new ChunkKvContent("qwen3-test", "ab".repeat(32), 7, ids, layers, kvHeads, headDim, k, v);
  }

  @Test
  void float32BlobsRoundTripBitForBit() {
    ChunkKvContent kv = sample(3, 2, 10, 13, 1);
    ChunkKvContent back = ChunkKvFormat.decode(ChunkKvFormat.encode(kv, KvDtype.F32, KvQuantization.NONE));
    assertEquals(kv.modelId(), back.modelId());
    assertEquals(kv.chunkKey(), back.chunkKey());
    assertEquals(kv.basePosition(), back.basePosition());
    assertArrayEquals(kv.tokenIds(), back.tokenIds());
    for (int l = 0; l < 3; l++) {
      assertArrayEquals(kv.keys()[l], back.keys()[l]);
      assertArrayEquals(kv.values()[l], back.values()[l]);
    }
  }

  @Test
  void halfPrecisionBlobsRoundTripWithinTheirRounding() {
    ChunkKvContent kv = sample(2, 2, 8, 9, 2);
    for (KvDtype d : new KvDtype[] {KvDtype.F16, KvDtype.BF16}) {
      ChunkKvContent back = ChunkKvFormat.decode(ChunkKvFormat.encode(kv, d, KvQuantization.NONE));
      double ulp = d == KvDtype.F16 ? 0x1p-11 : 0x1p-8;
      for (int l = 0; l < 2; l++) {
        for (int i = 0; i < kv.keys()[l].length; i++) {
          assertEquals(kv.keys()[l][i], back.keys()[l][i], Math.abs(kv.keys()[l][i]) * ulp + 1e-7, d + " K " + i);
          assertEquals(kv.values()[l][i], back.values()[l][i], Math.abs(kv.values()[l][i]) * ulp + 1e-7);
        }
      }
    }
  }

  @Test
  void int8PerChannelErrorIsAtMostHalfAStepOfEachChannel() {
    ChunkKvContent kv = sample(2, 3, 16, 40, 3);
    byte[] blob = ChunkKvFormat.encode(kv, KvDtype.F32, KvQuantization.INT8_CHANNEL);
    ChunkKvContent back = ChunkKvFormat.decode(blob);
    int n = 40;
    for (int l = 0; l < 2; l++) {
      for (int h = 0; h < 3; h++) {
        for (int d = 0; d < 16; d++) {
          float max = 0;
          for (int t = 0; t < n; t++) {
            max = Math.max(max, Math.abs(kv.keys()[l][(h * n + t) * 16 + d]));
          }
          float step = max / 127f;
          for (int t = 0; t < n; t++) {
            int i = (h * n + t) * 16 + d;
            assertEquals(kv.keys()[l][i], back.keys()[l][i], step * 0.5001, "layer " + l + " head " + h + " dim " + d);
          }
        }
      }
    }
    // about a quarter of the f32 size: one byte per element plus the scales
    long f32 = ChunkKvFormat.encode(kv, KvDtype.F32, KvQuantization.NONE).length;
    assertTrue(blob.length < f32 / 3.5, blob.length + " vs " + f32);
  }

  @Test
  void headerIsReadableWithoutThePayload() {
    ChunkKvContent kv = sample(4, 2, 6, 5, 4);
    byte[] blob = ChunkKvFormat.encode(kv, KvDtype.BF16, KvQuantization.INT8_CHANNEL);
    ChunkKvHeader h = ChunkKvFormat.header(blob);
    assertEquals(new ChunkKvHeader(1, "qwen3-test", "ab".repeat(32), KvDtype.BF16, KvQuantization.INT8_CHANNEL, 4, 2,
        6, 5, 7, blob.length), h);
  }

  @Test
  void everyFlippedByteIsRejectedNeverDecoded() {
    ChunkKvContent kv = sample(2, 1, 4, 3, 5);
    for (KvQuantization q : KvQuantization.values()) {
      byte[] blob = ChunkKvFormat.encode(kv, KvDtype.F16, q);
      for (int i = 0; i < blob.length; i++) {
        for (int bit : new int[] {0, 7}) {
          byte[] bad = blob.clone();
          bad[i] ^= (byte) (1 << bit);
          int at = i;
          ChunkKvFormatException e = assertThrows(ChunkKvFormatException.class, () -> ChunkKvFormat.decode(bad),
              "byte " + at + " bit " + bit);
          assertTrue(e.getMessage().matches(".*(magic|version|truncated|after its declared end|CRC32C).*"),
              e.getMessage());
        }
      }
    }
  }

  @Test
  void aCorruptedPayloadByteIsReportedAsAChecksumMismatch() {
    byte[] blob = ChunkKvFormat.encode(sample(2, 2, 4, 6, 6), KvDtype.F32, KvQuantization.NONE);
    blob[blob.length / 2] ^= 0x10;
    ChunkKvFormatException e = assertThrows(ChunkKvFormatException.class, () -> ChunkKvFormat.decode(blob));
    assertTrue(e.getMessage().startsWith("corrupted chunk-KV blob: CRC32C mismatch"), e.getMessage());
  }

  @Test
  void everyTruncationIsRejectedAsTruncated() {
    byte[] blob = ChunkKvFormat.encode(sample(2, 2, 4, 6, 7), KvDtype.F32, KvQuantization.NONE);
    for (int len = 0; len < blob.length; len++) {
      byte[] cut = Arrays.copyOf(blob, len);
      ChunkKvFormatException e = assertThrows(ChunkKvFormatException.class, () -> ChunkKvFormat.decode(cut));
      assertTrue(e.getMessage().startsWith("truncated chunk-KV blob"), len + ": " + e.getMessage());
    }
  }

  @Test
  void anotherVersionIsRejectedByNameEvenWithAValidChecksum() {
    byte[] blob = ChunkKvFormat.encode(sample(1, 1, 4, 2, 8), KvDtype.F32, KvQuantization.NONE);
    ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).putShort(8, (short) 2);
    CRC32C crc = new CRC32C();
    crc.update(blob, 0, blob.length - 4);
    ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).putInt(blob.length - 4, (int) crc.getValue());
    ChunkKvFormatException e = assertThrows(ChunkKvFormatException.class, () -> ChunkKvFormat.decode(blob));
    assertEquals("unsupported chunk-KV format version 2 (this build reads version 1)", e.getMessage());
  }

  @Test
  void trailingBytesAreRejected() {
    byte[] blob = ChunkKvFormat.encode(sample(1, 1, 4, 2, 9), KvDtype.F32, KvQuantization.NONE);
    byte[] longer = Arrays.copyOf(blob, blob.length + 3);
    ChunkKvFormatException e = assertThrows(ChunkKvFormatException.class, () -> ChunkKvFormat.decode(longer));
    assertTrue(e.getMessage().contains("3 bytes after its declared end"), e.getMessage());
  }

  @Test
  void nonFiniteValuesAreRefusedAtEncoding() {
    ChunkKvContent kv = sample(2, 1, 4, 2, 10);
    kv.values()[1][3] = Float.NaN;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ChunkKvFormat.encode(kv, KvDtype.F32, KvQuantization.NONE));
    assertEquals("chunk KV holds a non-finite V value in layer 1", e.getMessage());
  }

  @Test
  void bf16RoundsToNearestEven() {
    assertEquals((short) 0x3F80, ChunkKvFormat.toBf16(1.0f));
    // 1 + 2^-8 is halfway between bf16 1.0 and 1.0078125: ties to the even mantissa (1.0)
    assertEquals((short) 0x3F80, ChunkKvFormat.toBf16(1.0f + 0x1p-8f));
    assertEquals((short) 0x3F81, ChunkKvFormat.toBf16(1.0f + 0x1p-8f + 0x1p-20f));
    // 1.0078125 + 2^-8 is halfway, and ties to the even neighbour above
    assertEquals((short) 0x3F82, ChunkKvFormat.toBf16(1.0078125f + 0x1p-8f));
  }
}
