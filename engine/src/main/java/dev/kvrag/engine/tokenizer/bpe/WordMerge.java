package dev.kvrag.engine.tokenizer.bpe;

import java.util.Arrays;

/**
 * Merges the symbols of one word by rank, exactly as HF's {@code Word::merge_all}: a min-heap of
 * candidate merges ordered by (rank, position), the symbols kept as a doubly linked list so that
 * each merge costs O(log n) and a 100k-symbol word is never rescanned. A popped candidate is stale,
 * and skipped, when its left symbol was absorbed or its pair no longer yields the same merged id.
 */
final class WordMerge {

  private WordMerge() {}

  static int[] merge(int[] symbols, int count, MergeTable table) {
    if (count < 2) {
      return Arrays.copyOf(symbols, count);
    }
    int[] id = Arrays.copyOf(symbols, count);
    int[] prev = new int[count];
    int[] next = new int[count];
    boolean[] absorbed = new boolean[count];
    for (int i = 0; i < count; i++) {
      prev[i] = i - 1;
      next[i] = i + 1 < count ? i + 1 : -1;
    }
    Heap heap = new Heap(count);
    for (int i = 0; i + 1 < count; i++) {
      long rule = table.get(id[i], id[i + 1]);
      if (rule >= 0) {
        heap.push(MergeTable.rank(rule), i, MergeTable.merged(rule));
      }
    }
    int remaining = count;
    while (heap.size > 0) {
      long top = heap.topKey();
      int mergedId = heap.topMerged();
      heap.pop();
      int pos = (int) top;
      int right = next[pos];
      if (absorbed[pos] || right < 0) {
        continue;
      }
      long rule = table.get(id[pos], id[right]);
      if (rule < 0 || MergeTable.merged(rule) != mergedId) {
        continue;
      }
      id[pos] = mergedId;
      absorbed[right] = true;
      remaining--;
      next[pos] = next[right];
      if (next[pos] >= 0) {
        prev[next[pos]] = pos;
      }
      if (prev[pos] >= 0) {
        long before = table.get(id[prev[pos]], mergedId);
        if (before >= 0) {
          heap.push(MergeTable.rank(before), prev[pos], MergeTable.merged(before));
        }
      }
      if (next[pos] >= 0) {
        long after = table.get(mergedId, id[next[pos]]);
        if (after >= 0) {
          heap.push(MergeTable.rank(after), pos, MergeTable.merged(after));
        }
      }
    }
    int[] merged = new int[remaining];
    for (int i = 0, k = 0; i >= 0; i = next[i]) {
      merged[k++] = id[i];
    }
    return merged;
  }

  /** Binary min-heap of (rank << 32 | position) keys with the merged id alongside. */
  private static final class Heap {
    private long[] keys;
    private int[] mergedIds;
    private int size;

    Heap(int capacity) {
      keys = new long[Math.max(4, capacity)];
      mergedIds = new int[keys.length];
    }

    void push(int rank, int pos, int mergedId) {
      if (size == keys.length) {
        keys = Arrays.copyOf(keys, size * 2);
        mergedIds = Arrays.copyOf(mergedIds, size * 2);
      }
      long key = ((long) rank << 32) | pos;
      int i = size++;
      while (i > 0) {
        int parent = (i - 1) >>> 1;
        if (keys[parent] <= key) {
          break;
        }
        keys[i] = keys[parent];
        mergedIds[i] = mergedIds[parent];
        i = parent;
      }
      keys[i] = key;
      mergedIds[i] = mergedId;
    }

    long topKey() {
      return keys[0];
    }

    int topMerged() {
      return mergedIds[0];
    }

    void pop() {
      long key = keys[--size];
      int mergedId = mergedIds[size];
      int i = 0;
      while (true) {
        int child = 2 * i + 1;
        if (child >= size) {
          break;
        }
        if (child + 1 < size && keys[child + 1] < keys[child]) {
          child++;
        }
        if (keys[child] >= key) {
          break;
        }
        keys[i] = keys[child];
        mergedIds[i] = mergedIds[child];
        i = child;
      }
      keys[i] = key;
      mergedIds[i] = mergedId;
    }
  }
}
