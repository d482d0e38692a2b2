package dev.kvrag.engine.tokenizer.decoder;

/**
 * UTF-8 decoding with Rust's semantics, which decoders must reproduce to the character: {@code
 * String::from_utf8_lossy} puts one U+FFFD per maximal invalid subpart (an incomplete sequence at
 * the end is one subpart), and {@code String::from_utf8} accepts only fully valid input.
 */
final class Utf8 {

  private Utf8() {}

  static String decodeLossy(byte[] bytes, int length) {
    StringBuilder out = new StringBuilder(length);
    int i = 0;
    while (i < length) {
      int valid = sequenceLength(bytes, i, length);
      if (valid > 0) {
        appendCodePoint(out, bytes, i, valid);
        i += valid;
      } else {
        out.append('\uFFFD');
        i += -valid;
      }
    }
    return out.toString();
  }

  /** The text, or null if the bytes are not entirely valid UTF-8. */
  static String decodeStrict(byte[] bytes, int length) {
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; ) {
      int valid = sequenceLength(bytes, i, length);
      if (valid <= 0) {
        return null;
      }
      appendCodePoint(out, bytes, i, valid);
      i += valid;
    }
    return out.toString();
  }

  /**
   * Length of the valid sequence at {@code i}, or minus the length of the invalid subpart to
   * replace (the bytes that could still begin or continue a valid sequence, at least one).
   */
  private static int sequenceLength(byte[] b, int i, int length) {
    int first = b[i] & 0xFF;
    if (first < 0x80) {
      return 1;
    }
    int width;
    int lo = 0x80;
    int hi = 0xBF;
    if (first >= 0xC2 && first <= 0xDF) {
      width = 2;
    } else if (first >= 0xE0 && first <= 0xEF) {
      width = 3;
      if (first == 0xE0) {
        lo = 0xA0;
      } else if (first == 0xED) {
        hi = 0x9F;
      }
    } else if (first >= 0xF0 && first <= 0xF4) {
      width = 4;
      if (first == 0xF0) {
        lo = 0x90;
      } else if (first == 0xF4) {
        hi = 0x8F;
      }
    } else {
      return -1;
    }
    for (int k = 1; k < width; k++) {
      if (i + k >= length) {
        return -k;
      }
      int c = b[i + k] & 0xFF;
      int min = k == 1 ? lo : 0x80;
      int max = k == 1 ? hi : 0xBF;
      if (c < min || c > max) {
        return -k;
      }
    }
    return width;
  }

  private static void appendCodePoint(StringBuilder out, byte[] b, int i, int width) {
    int cp =
        switch (width) {
          case 1 -> b[i];
          case 2 -> ((b[i] & 0x1F) << 6) | (b[i + 1] & 0x3F);
          case 3 -> ((b[i] & 0x0F) << 12) | ((b[i + 1] & 0x3F) << 6) | (b[i + 2] & 0x3F);
          default ->
              ((b[i] & 0x07) << 18)
                  | ((b[i + 1] & 0x3F) << 12)
                  | ((b[i + 2] & 0x3F) << 6)
                  | (b[i + 3] & 0x3F);
        };
    out.appendCodePoint(cp);
  }
}
