package dev.kvrag.engine.compute.cuda;

/**
 * A kernel of the loaded module: its name, its C parameter list as one letter per parameter ({@code p} pointer,
 * {@code i} int, {@code f} float; checked against the sources by a test) and its CUfunction address (0 until loaded).
 */
record Kernel(String name, String signature, long function) {

  Kernel {
    if (!signature.matches("[pif]*")) {
      throw new IllegalArgumentException("signature of " + name + " must use p, i and f: " + signature);
    }
  }

  Kernel loaded(long address) {
    return new Kernel(name, signature, address);
  }
}
