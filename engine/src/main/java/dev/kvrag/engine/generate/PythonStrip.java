package dev.kvrag.engine.generate;

/**
 * Python's {@code str.strip()}, {@code lstrip()} and {@code rstrip()}, which the Jinja chat
 * templates call (directly or through the {@code trim} filter).
 *
 * <p>Python's whitespace is {@code str.isspace()}: it includes U+0085, U+00A0, U+2007 and U+202F,
 * which Java's {@link Character#isWhitespace} leaves out and {@link String#strip()} therefore keeps.
 * All Python whitespace lies in the BMP, so a char test suffices.
 */
final class PythonStrip {

  private PythonStrip() {}

  static boolean isSpace(char c) {
    return switch (c) {
      case '\t', '\n', '\u000b', '\f', '\r', '\u001c', '\u001d', '\u001e', '\u001f', ' ',
           '\u0085', '\u00a0', '\u1680', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000' -> true;
      default -> c >= '\u2000' && c <= '\u200a';
    };
  }

  /** {@code s.strip()}. */
  static String strip(String s) {
    return rstrip(lstrip(s));
  }

  /** {@code s.lstrip()}. */
  static String lstrip(String s) {
    int from = 0;
    while (from < s.length() && isSpace(s.charAt(from))) {
      from++;
    }
    return s.substring(from);
  }

  /** {@code s.rstrip()}. */
  static String rstrip(String s) {
    int to = s.length();
    while (to > 0 && isSpace(s.charAt(to - 1))) {
      to--;
    }
    return s.substring(0, to);
  }

  /** {@code s.strip('\n')}. */
  static String stripNewlines(String s) {
    return rstripNewlines(lstripNewlines(s));
  }

  /** {@code s.lstrip('\n')}. */
  static String lstripNewlines(String s) {
    int from = 0;
    while (from < s.length() && s.charAt(from) == '\n') {
      from++;
    }
    return s.substring(from);
  }

  /** {@code s.rstrip('\n')}. */
  static String rstripNewlines(String s) {
    int to = s.length();
    while (to > 0 && s.charAt(to - 1) == '\n') {
      to--;
    }
    return s.substring(0, to);
  }
}
