package dev.kvrag.engine.compute.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** cuLaunchKernel's parameter array: one 8-byte slot per argument, checked against the kernel's signature. */
class ArgumentBlockTest {

  @Test
  void argumentsLandInTheirSlotsAndThePointerArrayPointsAtThem() {
    try (Arena arena = Arena.ofConfined()) {
      ArgumentBlock b = new ArgumentBlock(arena);
      Kernel k = new Kernel("k", "pif", 42);
      b.start(k).pointer(0x1234_5678_9abcL).integer(-7).real(1.5f);
      assertEquals(k, b.complete());
      assertEquals(0x1234_5678_9abcL, b.slot(0));
      assertEquals(-7, (int) b.slot(1));
      assertEquals(Float.floatToRawIntBits(1.5f), (int) b.slot(2));
      assertEquals(0, b.slot(2) >>> 32, "the high half of a 4-byte argument's slot is clear");
      MemorySegment p0 = b.pointers().getAtIndex(ADDRESS, 0);
      MemorySegment p1 = b.pointers().getAtIndex(ADDRESS, 1);
      assertEquals(8, p1.address() - p0.address());
    }
  }

  @Test
  void aLaunchThatDoesNotMatchTheSignatureIsRefusedNamingTheKernel() {
    try (Arena arena = Arena.ofConfined()) {
      ArgumentBlock b = new ArgumentBlock(arena);
      Kernel k = new Kernel("rms_norm", "ppi", 1);
      IllegalStateException wrongType = assertThrows(IllegalStateException.class,
          () -> b.start(k).pointer(1).integer(2));
      assertTrue(wrongType.getMessage().contains("rms_norm"), wrongType.getMessage());
      IllegalStateException missing = assertThrows(IllegalStateException.class,
          () -> b.start(k).pointer(1).pointer(2).complete());
      assertTrue(missing.getMessage().contains("3 arguments, 2 given"), missing.getMessage());
      assertThrows(IllegalStateException.class, () -> b.start(k).pointer(1).pointer(2).integer(3).integer(4));
    }
  }
}
