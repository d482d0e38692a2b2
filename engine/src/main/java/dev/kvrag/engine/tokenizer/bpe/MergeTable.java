package dev.kvrag.engine.tokenizer.bpe;

/**
 * The BPE merge rules keyed by the pair they join: (left id, right id) → (rank, merged id), in an
 * open-addressing table of primitive longs so that a lookup in the merge loop allocates nothing.
 */
final class MergeTable {

  private static final long EMPTY = -1L;

  private final long[] keys;
  private final long[] values;
  private final int mask;
  private int size;

  MergeTable(int expectedEntries) {
    int capacity = Integer.highestOneBit(Math.max(4, expectedEntries) * 2 - 1) << 1;
    keys = new long[capacity];
    values = new long[capacity];
    java.util.Arrays.fill(keys, EMPTY);
    mask = capacity - 1;
  }

  /** Adds or replaces a rule; like HF's map, a later duplicate of a pair wins. */
  void put(int left, int right, int rank, int merged) {
    long key = key(left, right);
    int slot = slot(key);
    while (keys[slot] != EMPTY && keys[slot] != key) {
      slot = (slot + 1) & mask;
    }
    if (keys[slot] == EMPTY) {
      if (++size * 4 > keys.length * 3) {
        throw new IllegalStateException("merge table sized for fewer entries");
      }
      keys[slot] = key;
    }
    values[slot] = ((long) rank << 32) | (merged & 0xFFFFFFFFL);
  }

  /** {@code (rank << 32) | mergedId}, or -1 if the pair has no merge. */
  long get(int left, int right) {
    long key = key(left, right);
    int slot = slot(key);
    while (true) {
      long k = keys[slot];
      if (k == key) {
        return values[slot];
      }
      if (k == EMPTY) {
        return -1L;
      }
      slot = (slot + 1) & mask;
    }
  }

  static int rank(long rule) {
    return (int) (rule >>> 32);
  }

  static int merged(long rule) {
    return (int) rule;
  }

  private static long key(int left, int right) {
    return ((long) left << 32) | (right & 0xFFFFFFFFL);
  }

  private int slot(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 29)) & mask;
  }
}
