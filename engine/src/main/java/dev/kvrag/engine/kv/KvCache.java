package dev.kvrag.engine.kv;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

/**
 * The KV cache of one sequence: one {@link LayerKv} per transformer layer, all sharing the same slot
 * numbering. Modes that compute only some tokens in some layers (CacheBlend) write those layers' slots
 * directly; the cache length is the filled length of the layers, which stay equal as long as every token
 * gets a slot in every layer.
 */
public final class KvCache {

  private final List<LayerKv> layers;

  /** A cache in host memory ({@link HostLayerKv}). */
  public KvCache(int layers, int kvHeads, int headDim, int initialCapacity) {
    this(layers, () -> new HostLayerKv(kvHeads, headDim, initialCapacity));
  }

  /** A cache of {@code layers} layers made by {@code storage} (e.g. a backend's {@code newLayerKv}). */
  public KvCache(int layers, Supplier<LayerKv> storage) {
    List<LayerKv> list = new ArrayList<>(layers);
    for (int i = 0; i < layers; i++) {
      list.add(storage.get());
    }
    this.layers = Collections.unmodifiableList(list);
  }

  /** A copy of the filled slots of {@code src} in layers made by {@code storage}. */
  public static KvCache copyOf(KvCache src, Supplier<LayerKv> storage) {
    KvCache copy = new KvCache(src.layers(), storage);
    int n = src.length();
    if (n > 0) {
      copy.copyFrom(src, 0, 0, n);
    }
    return copy;
  }

  public LayerKv layer(int i) {
    return layers.get(i);
  }

  public int layers() {
    return layers.size();
  }

  /** Filled slots: the longest of the layers (they are equal unless a caller is mid-way through a step). */
  public int length() {
    int max = 0;
    for (LayerKv l : layers) {
      max = Math.max(max, l.length());
    }
    return max;
  }

  public void truncate(int newLength) {
    for (LayerKv l : layers) {
      l.truncate(Math.min(newLength, l.length()));
    }
  }

  public void ensureCapacity(int slots) {
    for (LayerKv l : layers) {
      l.ensureCapacity(slots);
    }
  }

  /** Copies slots {@code [srcFrom, srcFrom + count)} of every layer of {@code src} to {@code dstFrom} here. */
  public void copyFrom(KvCache src, int srcFrom, int dstFrom, int count) {
    checkLayers(src);
    for (int i = 0; i < layers.size(); i++) {
      layers.get(i).copyFrom(src.layer(i), srcFrom, dstFrom, count);
    }
  }

  /** Inserts slots {@code [srcFrom, srcFrom + count)} of every layer of {@code src} at slot {@code at}. */
  public void insert(int at, KvCache src, int srcFrom, int count) {
    checkLayers(src);
    for (int i = 0; i < layers.size(); i++) {
      layers.get(i).insert(at, src.layer(i), srcFrom, count);
    }
  }

  private void checkLayers(KvCache src) {
    if (src.layers() != layers.size()) {
      throw new IllegalArgumentException("KV caches have " + src.layers() + " and " + layers.size() + " layers");
    }
  }
}
