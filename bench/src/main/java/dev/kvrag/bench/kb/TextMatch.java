package dev.kvrag.bench.kb;

/**
 * Whole-word containment. Near-miss names share prefixes ("Orvane", "Orvanel"; "Dara Quell",
 * "Dara Quellan"), so "does this chunk state that answer / name this entity" must not match inside a
 * longer word.
 */
public final class TextMatch {

  private TextMatch() {}

  public static boolean containsWord(String text, String phrase) {
    int from = 0;
    while (true) {
      int at = text.indexOf(phrase, from);
      if (at < 0) {
        return false;
      }
      int end = at + phrase.length();
      if (!wordChar(text, at - 1) && !wordChar(text, end) && !versionContinues(text, at, end)) {
        return true;
      }
      from = at + 1;
    }
  }

  private static boolean wordChar(String text, int i) {
    if (i < 0 || i >= text.length()) {
      return false;
    }
    char c = text.charAt(i);
    return Character.isLetterOrDigit(c) || c == '-' || c == '_';
  }

  // "4.1" and "1.7" inside "4.1.7" are not versions of their own; a sentence's final period is no
  // continuation.
  private static boolean versionContinues(String text, int at, int end) {
    boolean after = end + 1 < text.length() && text.charAt(end) == '.' && Character.isDigit(text.charAt(end + 1));
    boolean before = at >= 2 && text.charAt(at - 1) == '.' && Character.isDigit(text.charAt(at - 2));
    return after || before;
  }
}
