package dev.kvrag.engine.prompt;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test tokenizer: a pre-tokenizer regex, then one id per distinct piece. BPE never merges across
 * pre-token pieces, so two texts that split into the same pieces get the same ids from any BPE
 * vocabulary behind that pre-tokenizer; this is all the layout's claims depend on.
 */
final class PieceTokenizer implements Function<String, int[]> {

  /** Llama-3's pre-tokenizer split (tokenizer.json, Split/Isolated), also the demo model's. */
  static final String LLAMA3 = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
      + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

  private final Pattern split;
  private final Map<String, Integer> ids = new HashMap<>();

  PieceTokenizer(String regex) {
    this.split = Pattern.compile(regex);
  }

  List<String> pieces(String text) {
    List<String> pieces = new ArrayList<>();
    Matcher m = split.matcher(text);
    int at = 0;
    while (m.find()) {
      if (m.start() > at) {
        pieces.add(text.substring(at, m.start()));
      }
      pieces.add(m.group());
      at = m.end();
    }
    if (at < text.length()) {
      pieces.add(text.substring(at));
    }
    return pieces;
  }

  @Override
  public int[] apply(String text) {
    return pieces(text).stream().mapToInt(p -> ids.computeIfAbsent(p, k -> ids.size() + 10)).toArray();
  }
}
