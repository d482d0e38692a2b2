package dev.kvrag.engine.tokenizer.pretokenizer;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code Split} pre-tokenizer: cuts at every match of a regex (Llama-3's and Qwen's word
 * pattern, behavior Isolated, so matches and the text between them all become words).
 */
public record RegexSplit(Pattern pattern, SplitBehavior behavior, boolean invert)
    implements PreTokenizer {

  @Override
  public void split(Piece piece, List<Piece> out) {
    int[] matches = new int[16];
    int count = 0;
    Matcher m = pattern.matcher(piece.text());
    while (m.find()) {
      if (2 * count + 2 > matches.length) {
        matches = Arrays.copyOf(matches, matches.length * 2);
      }
      matches[2 * count] = m.start();
      matches[2 * count + 1] = m.end();
      count++;
    }
    behavior.cut(piece, matches, count, invert, out);
  }
}
