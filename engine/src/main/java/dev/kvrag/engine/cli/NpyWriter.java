package dev.kvrag.engine.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Streams a little-endian float32 C-order 2-D array to a NumPy {@code .npy} file (format v1.0): the magic
 * {@code \x93NUMPY}, version 1.0, a 2-byte header length, the header dict padded with spaces and a newline
 * so the data starts on a 64-byte boundary, then the rows.
 */
final class NpyWriter implements AutoCloseable {

  private final FileChannel channel;
  private final long expected;
  private long written;

  NpyWriter(Path file, int rows, int cols) throws IOException {
    this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
    this.expected = (long) rows * cols;
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
    int unpadded = 10 + dict.length() + 1;
    int total = (unpadded + 63) / 64 * 64;
    StringBuilder header = new StringBuilder(dict);
    while (10 + header.length() + 1 < total) {
      header.append(' ');
    }
    header.append('\n');
    ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
    b.putShort((short) header.length());
    b.put(header.toString().getBytes(StandardCharsets.US_ASCII));
    b.flip();
    while (b.hasRemaining()) {
      channel.write(b);
    }
  }

  /** Appends {@code count} values of {@code data}. */
  void write(float[] data, int count) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(Math.min(count, 1 << 20) * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; ) {
      b.clear();
      int n = Math.min(count - i, b.capacity() / 4);
      b.asFloatBuffer().put(data, i, n);
      b.limit(n * 4);
      while (b.hasRemaining()) {
        channel.write(b);
      }
      i += n;
    }
    written += count;
  }

  @Override
  public void close() throws IOException {
    try {
      if (written != expected) {
        throw new IllegalStateException("wrote " + written + " of " + expected + " values");
      }
    } finally {
      channel.close();
    }
  }
}
