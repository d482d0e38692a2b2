package dev.kvrag.engine.tokenizer;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import tools.jackson.databind.JsonNode;

/**
 * Compiles the regexes of a tokenizer.json, written for Oniguruma (HF's regex engine), into Java
 * patterns that match the same text.
 *
 * <p>Both are backtracking engines with leftmost-first alternation, so {@code \s+(?!\S)} and the
 * {@code (?i:'s|'t|...)} contractions behave alike. The differences that matter: Oniguruma's {@code
 * \s}, {@code \w}, {@code \d} and case folding are Unicode-wide (Java needs {@link
 * Pattern#UNICODE_CHARACTER_CLASS}, which also turns on Unicode case folding, so {@code (?i:'s)}
 * matches "'ſ" in both); Oniguruma accepts script names bare ({@code \p{Han}}) where Java wants
 * {@code \p{IsHan}}; and Oniguruma's {@code \h} is a hex digit, Java's a horizontal space.
 */
public final class HfRegex {

  private HfRegex() {}

  /** A compiled pattern, or IllegalArgumentException naming {@code component} if invalid. */
  public static Pattern compile(String onigPattern, String component) {
    try {
      return Pattern.compile(toJava(onigPattern), Pattern.UNICODE_CHARACTER_CLASS);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          component + " has a regex Java cannot compile: " + e.getDescription(), e);
    }
  }

  /** A pattern matching {@code literal} exactly (HF's {"String": ...} patterns). */
  public static Pattern literal(String literal) {
    return Pattern.compile(Pattern.quote(literal));
  }

  /**
   * The {@code pattern} of a Split/Replace component: {"String": literal} or {"Regex": Oniguruma
   * regex}.
   */
  public static Pattern fromJson(JsonNode component, String componentName) {
    JsonNode pattern = component.path("pattern");
    if (pattern.has("String")) {
      return literal(pattern.get("String").asString());
    }
    if (pattern.has("Regex")) {
      return compile(pattern.get("Regex").asString(), componentName);
    }
    throw new IllegalArgumentException(
        componentName + " in tokenizer.json has no {\"String\"} or {\"Regex\"} pattern");
  }

  static String toJava(String onig) {
    StringBuilder java = new StringBuilder(onig.length() + 16);
    int n = onig.length();
    for (int i = 0; i < n; i++) {
      char c = onig.charAt(i);
      if (c != '\\' || i + 1 >= n) {
        java.append(c);
        continue;
      }
      char next = onig.charAt(i + 1);
      if ((next == 'p' || next == 'P') && i + 2 < n && onig.charAt(i + 2) == '{') {
        int close = onig.indexOf('}', i + 3);
        if (close > 0) {
          String name = onig.substring(i + 3, close);
          boolean negated = next == 'P';
          if (name.startsWith("^")) {
            negated = !negated;
            name = name.substring(1);
          }
          java.append(negated ? "\\P{" : "\\p{").append(javaPropertyName(name)).append('}');
          i = close;
          continue;
        }
      }
      if (next == 'h') {
        java.append("[0-9a-fA-F]");
      } else if (next == 'H') {
        java.append("[^0-9a-fA-F]");
      } else {
        java.append(c).append(next);
      }
      i++;
    }
    return java.toString();
  }

  private static String javaPropertyName(String name) {
    boolean category = name.length() <= 2;
    boolean qualified = name.startsWith("Is") || name.startsWith("In") || name.contains("=");
    return category || qualified ? name : "Is" + name;
  }
}
