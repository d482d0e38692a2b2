package dev.kvrag.common.kv;

/** A chunk-KV blob that cannot be used: truncated, corrupted, another version, or inconsistent. */
public final class ChunkKvFormatException extends IllegalArgumentException {

  public ChunkKvFormatException(String message) {
    super(message);
  }
}
