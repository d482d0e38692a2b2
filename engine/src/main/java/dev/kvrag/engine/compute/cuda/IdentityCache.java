package dev.kvrag.engine.compute.cuda;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A map keyed by object identity that does not keep its keys alive: the device copy of a model weight lives as long as
 * the {@code Weight} (or the {@code float[]} of norm weights) it was made from. Entries of collected keys are dropped
 * on the next access; their values become unreachable and are reclaimed. Not thread-safe.
 */
final class IdentityCache<K, V> {

  private static final class Key<K> extends WeakReference<K> {
    final int hash;

    Key(K referent, ReferenceQueue<K> queue) {
      super(referent, queue);
      this.hash = System.identityHashCode(referent);
    }
  }

  private final Map<Integer, List<Map.Entry<Key<K>, V>>> buckets = new HashMap<>();
  private final ReferenceQueue<K> queue = new ReferenceQueue<>();
  private int size;

  /** The value for {@code key}, made by {@code make} on the first request. */
  V get(K key, Function<K, V> make) {
    expunge();
    int hash = System.identityHashCode(key);
    List<Map.Entry<Key<K>, V>> bucket = buckets.computeIfAbsent(hash, h -> new ArrayList<>(1));
    for (Map.Entry<Key<K>, V> e : bucket) {
      if (e.getKey().get() == key) {
        return e.getValue();
      }
    }
    V value = make.apply(key);
    bucket.add(Map.entry(new Key<>(key, queue), value));
    size++;
    return value;
  }

  int size() {
    expunge();
    return size;
  }

  private void expunge() {
    Object ref;
    while ((ref = queue.poll()) != null) {
      Key<?> dead = (Key<?>) ref;
      List<Map.Entry<Key<K>, V>> bucket = buckets.get(dead.hash);
      if (bucket != null && bucket.removeIf(e -> e.getKey() == dead)) {
        size--;
        if (bucket.isEmpty()) {
          buckets.remove(dead.hash);
        }
      }
    }
  }
}
