package dev.kvrag.common.kv;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The one chunk-key function: SHA-256 over the model id, the tokenizer id, the {@link ChunkEncoding} (scheme and
 * prefix hash) and the chunk's token ids, as 64 hex digits. Each field is length-prefixed, so no two different
 * inputs share an encoding; the same text under another model, tokenizer or prefix never collides.
 */
public record ChunkKey(String hex) {

  private static final byte[] DOMAIN = "kvrag chunk key v1".getBytes(StandardCharsets.UTF_8);

  public ChunkKey {
    Objects.requireNonNull(hex, "hex");
    if (!hex.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("a chunk key is 64 lowercase hex digits, got '" + hex + "'");
    }
  }

  public static ChunkKey of(String modelId, String tokenizerId, ChunkEncoding encoding, int[] tokenIds) {
    MessageDigest sha = sha256();
    sha.update(DOMAIN);
    text(sha, modelId);
    text(sha, tokenizerId);
    text(sha, encoding.scheme());
    text(sha, encoding.prefixHash());
    ints(sha, tokenIds);
    return new ChunkKey(HexFormat.of().formatHex(sha.digest()));
  }

  /** SHA-256 (hex) of a token sequence, e.g. the prefix a chunk was encoded after. */
  public static String tokenHash(int[] tokenIds) {
    MessageDigest sha = sha256();
    ints(sha, tokenIds);
    return HexFormat.of().formatHex(sha.digest());
  }

  @Override
  public String toString() {
    return hex;
  }

  private static void text(MessageDigest sha, String s) {
    byte[] b = Objects.requireNonNull(s).getBytes(StandardCharsets.UTF_8);
    sha.update(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
    sha.update(b);
  }

  private static void ints(MessageDigest sha, int[] ids) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * ids.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(ids.length);
    for (int id : ids) {
      b.putInt(id);
    }
    sha.update(b.array());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }
}
