package dev.kvrag.engine.compute;

import java.lang.foreign.MemorySegment;

/**
 * A 2-D weight matrix {@code [rows][cols]} (PyTorch {@code nn.Linear} layout: one row per output feature)
 * kept in its stored dtype inside a memory-mapped checkpoint. Backends read it in place; nothing is copied
 * to the heap.
 */
public record Weight(String name, DType dtype, int rows, int cols, MemorySegment data) {

  public Weight {
    long expected = (long) rows * cols * dtype.bytes();
    if (data.byteSize() != expected) {
      throw new IllegalArgumentException("weight " + name + ": " + data.byteSize() + " bytes for ["
          + rows + ", " + cols + "] " + dtype + " (expected " + expected + ")");
    }
  }

  /** Byte offset of element {@code [row][col]}. */
  public long offset(int row, int col) {
    return ((long) row * cols + col) * dtype.bytes();
  }
}
