package dev.kvrag.engine.compute;

/**
 * A buffer of fp32 activations (hidden states, q/k/v, attention outputs, logits) that lives where its
 * {@link Backend} computes: a Java array on the CPU, device memory on a GPU. The model passes them from one
 * backend operation to the next without looking inside, so a GPU forward pass never copies activations to the
 * host; {@link Backend#download} does that where the host needs numbers (logits, SnapKV's window queries, APE's
 * merge). Shapes are given by each operation, as they were for {@code float[]}: a buffer is {@link #length()}
 * floats, read row-major.
 *
 * <p>A buffer belongs to the backend that made it; another backend refuses it.
 */
public interface Activations {

  /** Number of floats. */
  int length();

  /**
   * Gives the memory back early (device memory returns to the backend's pool; nothing on the CPU). The buffer must
   * not be used afterwards. Optional: an unreachable buffer is reclaimed anyway, later.
   */
  default void close() {
  }
}
