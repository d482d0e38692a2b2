package dev.kvrag.engine.compute.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The {@code kernelParams} of cuLaunchKernel for one launch at a time: an array of pointers, pointer {@code i} to an
 * 8-byte slot holding argument {@code i} (a device address, an int or a float, little-endian from the slot's start).
 * Each argument is checked against the kernel's declared signature as it is added, so a launch that does not match
 * the kernel's C parameter list fails in Java instead of reading garbage on the GPU. Reused: not thread-safe.
 */
final class ArgumentBlock {

  static final int MAX_ARGUMENTS = 32;

  private final MemorySegment slots;
  private final MemorySegment pointers;
  private Kernel kernel;
  private int count;

  ArgumentBlock(Arena arena) {
    slots = arena.allocate(8L * MAX_ARGUMENTS, 16);
    pointers = arena.allocate(ADDRESS, MAX_ARGUMENTS);
    for (int i = 0; i < MAX_ARGUMENTS; i++) {
      pointers.setAtIndex(ADDRESS, i, slots.asSlice(8L * i, 8));
    }
  }

  /** Starts the arguments of a launch of {@code k}. */
  ArgumentBlock start(Kernel k) {
    if (k.signature().length() > MAX_ARGUMENTS) {
      throw new IllegalArgumentException(k.name() + " takes more than " + MAX_ARGUMENTS + " arguments");
    }
    kernel = k;
    count = 0;
    return this;
  }

  /** A device address (or 0 for a null pointer). */
  ArgumentBlock pointer(long address) {
    expect('p');
    slots.set(JAVA_LONG, 8L * count++, address);
    return this;
  }

  ArgumentBlock integer(int value) {
    expect('i');
    slots.set(JAVA_LONG, 8L * count, 0L);
    slots.set(JAVA_INT, 8L * count++, value);
    return this;
  }

  ArgumentBlock real(float value) {
    expect('f');
    slots.set(JAVA_LONG, 8L * count, 0L);
    slots.set(JAVA_FLOAT, 8L * count++, value);
    return this;
  }

  /** The kernel whose arguments are complete; refuses a launch with arguments missing. */
  Kernel complete() {
    if (count != kernel.signature().length()) {
      throw new IllegalStateException(kernel.name() + " takes " + kernel.signature().length() + " arguments, "
          + count + " given");
    }
    return kernel;
  }

  /** The {@code void**} to pass as kernelParams. */
  MemorySegment pointers() {
    return pointers;
  }

  /** Slot {@code i} as raw bits (tests). */
  long slot(int i) {
    return slots.get(JAVA_LONG, 8L * i);
  }

  private void expect(char type) {
    if (count >= kernel.signature().length() || kernel.signature().charAt(count) != type) {
      throw new IllegalStateException("argument " + count + " of " + kernel.name() + " given as '" + type
          + "', its signature is " + kernel.signature());
    }
  }
}
