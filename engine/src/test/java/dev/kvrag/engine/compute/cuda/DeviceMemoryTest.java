package dev.kvrag.engine.compute.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The pool's size classes: never smaller than asked, at most a quarter more, few distinct sizes. */
class DeviceMemoryTest {

  @Test
  void sizeClassesCoverTheRequestWithAtMostAQuarterToSpare() {
    for (long bytes = 1; bytes < 1L << 36; bytes = bytes * 3 / 2 + 1) {
      long c = DeviceMemory.sizeClass(bytes);
      assertTrue(c >= bytes, bytes + " -> " + c);
      assertTrue(c <= Math.max(256, bytes * 1.25 + 1), bytes + " -> " + c);
      assertEquals(c, DeviceMemory.sizeClass(c), "a class maps to itself");
    }
    assertEquals(256, DeviceMemory.sizeClass(1));
    assertEquals(1280, DeviceMemory.sizeClass(1025));
    assertEquals(1L << 30, DeviceMemory.sizeClass(1L << 30));
  }
}
