package dev.kvrag.engine.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads little-endian float32 C-order {@code .npy} files (NPY format v1/v2), as numpy.save writes them. */
public record NpyReader(int[] shape, float[] data) {

  private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

  public static NpyReader read(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[6];
    b.get(magic);
    if (!new String(magic, StandardCharsets.ISO_8859_1).equals("\u0093NUMPY")) {
      throw new IOException(file + " is not an .npy file");
    }
    int major = b.get();
    b.get();
    int headerLen = major == 1 ? Short.toUnsignedInt(b.getShort()) : b.getInt();
    byte[] header = new byte[headerLen];
    b.get(header);
    String h = new String(header, StandardCharsets.ISO_8859_1);
    if (!h.contains("'descr': '<f4'") || !h.contains("'fortran_order': False")) {
      throw new IOException(file + ": expected little-endian float32 C order, header " + h.trim());
    }
    Matcher m = SHAPE.matcher(h);
    if (!m.find()) {
      throw new IOException(file + ": no shape in header " + h.trim());
    }
    String[] dims = m.group(1).split(",");
    int count = 0;
    for (String d : dims) {
      if (!d.isBlank()) {
        count++;
      }
    }
    int[] shape = new int[count];
    int i = 0;
    long elements = 1;
    for (String d : dims) {
      if (!d.isBlank()) {
        shape[i++] = Integer.parseInt(d.trim());
        elements *= shape[i - 1];
      }
    }
    float[] data = new float[(int) elements];
    b.asFloatBuffer().get(data);
    return new NpyReader(shape, data);
  }
}
