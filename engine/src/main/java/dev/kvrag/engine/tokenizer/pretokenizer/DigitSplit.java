package dev.kvrag.engine.tokenizer.pretokenizer;

import java.util.Arrays;
import java.util.List;

/**
 * The {@code Digits} pre-tokenizer: numeric characters (Rust's {@code char::is_numeric}: Nd, Nl,
 * No) become their own words, one per digit or one per run.
 */
public record DigitSplit(boolean individualDigits) implements PreTokenizer {

  @Override
  public void split(Piece piece, List<Piece> out) {
    String text = piece.text();
    int[] matches = new int[16];
    int count = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      int next = i + Character.charCount(cp);
      if (isNumeric(cp)) {
        if (2 * count + 2 > matches.length) {
          matches = Arrays.copyOf(matches, matches.length * 2);
        }
        matches[2 * count] = i;
        matches[2 * count + 1] = next;
        count++;
      }
      i = next;
    }
    SplitBehavior behavior = individualDigits ? SplitBehavior.ISOLATED : SplitBehavior.CONTIGUOUS;
    behavior.cut(piece, matches, count, false, out);
  }

  private static boolean isNumeric(int cp) {
    int type = Character.getType(cp);
    return type == Character.DECIMAL_DIGIT_NUMBER
        || type == Character.LETTER_NUMBER
        || type == Character.OTHER_NUMBER;
  }
}
