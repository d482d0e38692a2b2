package dev.kvrag.engine.compute.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {

  @Test
  void everyPartRunsExactlyOnceAcrossManyRegions() {
    try (WorkerPool pool = new WorkerPool(3)) {
      for (int round = 0; round < 2000; round++) {
        int parts = 1 + round % 17;
        AtomicIntegerArray seen = new AtomicIntegerArray(parts);
        pool.run(parts, seen::incrementAndGet);
        for (int p = 0; p < parts; p++) {
          assertEquals(1, seen.get(p), "round " + round + " part " + p);
        }
      }
    }
  }

  @Test
  void aFailingPartFailsTheRegionWithItsOwnException() {
    try (WorkerPool pool = new WorkerPool(2)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.run(8, p -> {
        if (p == 5) {
          throw new IllegalStateException("part five");
        }
      }));
      assertEquals("part five", e.getMessage());
      AtomicIntegerArray seen = new AtomicIntegerArray(4);
      pool.run(4, seen::incrementAndGet);
      assertEquals(4, seen.get(0) + seen.get(1) + seen.get(2) + seen.get(3));
    }
  }
}
