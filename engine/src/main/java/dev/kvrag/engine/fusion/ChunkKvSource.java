package dev.kvrag.engine.fusion;

import dev.kvrag.engine.kv.ChunkKv;
import java.util.List;

/**
 * Where a fusion reads stored KV from, on demand: a mode loads only what it reuses (FULL nothing, PREFIX the
 * prefix and the first chunk), so loading and deserializing are part of its time to first token.
 */
public interface ChunkKvSource {

  /** The prefix's KV (base position 0). */
  ChunkKv prefix();

  /** Chunk {@code index}'s KV, encoded after the prefix. */
  ChunkKv chunk(int index);

  /**
   * KV as stored: blobs of the chunk-KV format, decoded when a mode asks for them (so a mode's time includes
   * deserializing what it reuses). {@code prefixBlob} may be null for an empty prefix.
   */
  static ChunkKvSource decoding(byte[] prefixBlob, List<byte[]> chunkBlobs) {
    List<byte[]> copy = List.copyOf(chunkBlobs);
    return new ChunkKvSource() {
      @Override
      public ChunkKv prefix() {
        if (prefixBlob == null) {
          throw new IllegalStateException("no prefix KV stored");
        }
        return ChunkKv.fromBlob(prefixBlob);
      }

      @Override
      public ChunkKv chunk(int index) {
        return ChunkKv.fromBlob(copy.get(index));
      }
    };
  }

  /** KV already in memory. */
  static ChunkKvSource of(ChunkKv prefix, List<ChunkKv> chunks) {
    List<ChunkKv> copy = List.copyOf(chunks);
    return new ChunkKvSource() {
      @Override
      public ChunkKv prefix() {
        return prefix;
      }

      @Override
      public ChunkKv chunk(int index) {
        return copy.get(index);
      }
    };
  }
}
