package dev.kvrag.engine.fusion;

import dev.kvrag.engine.compute.Activations;
import dev.kvrag.engine.compute.Backend;
import dev.kvrag.engine.model.Transformer;

/**
 * The queries of SnapKV's observation window, kept per layer while the prompt runs: rows for slots
 * {@code [firstSlot, firstSlot + size)} (the last prompt tokens), post-RoPE, {@code [size][heads][headDim]}.
 * With the final cache of each layer (which is what those rows attended to: every mode writes a layer's KV
 * before its window rows attend, and nothing rewrites it later) they give the window's attention exactly.
 */
public final class WindowQueries {

  private final int firstSlot;
  private final int size;
  private final int rowWidth;
  private final float[][] rows;
  private final boolean[][] seen;

  public WindowQueries(int layers, int firstSlot, int size, int heads, int headDim) {
    this.firstSlot = firstSlot;
    this.size = size;
    this.rowWidth = heads * headDim;
    this.rows = new float[layers][size * rowWidth];
    this.seen = new boolean[layers][size];
  }

  /** The window {@code input} asks for (its last question tokens), or null when it asks for none. */
  static WindowQueries of(Transformer model, FusionInput input) {
    if (input.observationWindow() == 0) {
      return null;
    }
    int end = input.layout().promptEnd();
    return new WindowQueries(model.config().layers(), end - input.observationWindow(), input.observationWindow(),
        model.config().heads(), model.config().headDim());
  }

  /** Keeps the rows of {@code q[n][heads][headDim]} whose slots fall in the window (copied to the host). */
  void record(Backend backend, int layer, Activations q, int n, int[] slots) {
    for (int t = 0; t < n; t++) {
      int r = slots[t] - firstSlot;
      if (r >= 0 && r < size) {
        System.arraycopy(backend.download(q, t * rowWidth, rowWidth), 0, rows[layer], r * rowWidth, rowWidth);
        seen[layer][r] = true;
      }
    }
  }

  public int firstSlot() {
    return firstSlot;
  }

  public int size() {
    return size;
  }

  /** Layer {@code layer}'s window queries {@code [size][heads][headDim]}; every row must have been recorded. */
  public float[] queries(int layer) {
    for (int r = 0; r < size; r++) {
      if (!seen[layer][r]) {
        throw new IllegalStateException("window row at slot " + (firstSlot + r) + " of layer " + layer
            + " was never computed");
      }
    }
    return rows[layer];
  }
}
