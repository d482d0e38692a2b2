package dev.kvrag.engine.compute.cpu;

import dev.kvrag.engine.compute.Activations;

/** Activations of the CPU backend: a Java array, used in place by every operation. */
record HostActivations(float[] data) implements Activations {

  @Override
  public int length() {
    return data.length;
  }

  /** The array behind {@code a}, which must come from the CPU backend. */
  static float[] of(Activations a) {
    if (a instanceof HostActivations h) {
      return h.data;
    }
    throw new IllegalArgumentException("activations of another backend (" + a.getClass().getSimpleName()
        + ") given to the CPU backend");
  }
}
