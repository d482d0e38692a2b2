package dev.kvrag.engine.tokenizer;

/**
 * The Unicode character classes as Hugging Face's Rust code sees them, which is not how {@link
 * Character} sees them: Rust's {@code char::is_whitespace} and regex {@code \s} are the Unicode
 * White_Space property (no-break spaces included, the ASCII file/group separators excluded), and
 * regex {@code \w} is Alphabetic + marks + decimal digits + connector punctuation + join controls.
 */
public final class Unicode {

  private Unicode() {}

  /** The Unicode White_Space property (PropList.txt). */
  public static boolean isWhiteSpace(int cp) {
    return (cp >= 0x09 && cp <= 0x0D)
        || cp == 0x20
        || cp == 0x85
        || cp == 0xA0
        || cp == 0x1680
        || (cp >= 0x2000 && cp <= 0x200A)
        || cp == 0x2028
        || cp == 0x2029
        || cp == 0x202F
        || cp == 0x205F
        || cp == 0x3000;
  }

  /** Unicode {@code \w} (UTS #18 annex C), as Rust's regex crate defines it. */
  public static boolean isWordCharacter(int cp) {
    if (Character.isAlphabetic(cp) || cp == 0x200C || cp == 0x200D) {
      return true;
    }
    return switch (Character.getType(cp)) {
      case Character.NON_SPACING_MARK,
          Character.ENCLOSING_MARK,
          Character.COMBINING_SPACING_MARK,
          Character.DECIMAL_DIGIT_NUMBER,
          Character.CONNECTOR_PUNCTUATION ->
          true;
      default -> false;
    };
  }

  /**
   * Replaces unpaired UTF-16 surrogates by U+FFFD. A Rust string cannot hold them, so the text a
   * Python caller could hand to HF is exactly the text with them replaced; without this, Java's
   * UTF-8 encoder would silently turn each into '?'.
   */
  public static String withoutLoneSurrogates(String text) {
    StringBuilder fixed = null;
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      boolean lone;
      if (Character.isHighSurrogate(c)) {
        lone = i + 1 >= n || !Character.isLowSurrogate(text.charAt(i + 1));
        if (!lone) {
          if (fixed != null) {
            fixed.append(c).append(text.charAt(i + 1));
          }
          i++;
          continue;
        }
      } else {
        lone = Character.isLowSurrogate(c);
      }
      if (lone && fixed == null) {
        fixed = new StringBuilder(n).append(text, 0, i);
      }
      if (fixed != null) {
        fixed.append(lone ? '\uFFFD' : c);
      }
    }
    return fixed == null ? text : fixed.toString();
  }
}
