package dev.kvrag.engine.tokenizer.pretokenizer;

import dev.kvrag.engine.tokenizer.ByteLevelAlphabet;
import dev.kvrag.engine.tokenizer.HfRegex;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code ByteLevel} pre-tokenizer: optionally a leading space and GPT-2's word regex, then
 * every word respelled as its UTF-8 bytes in {@link ByteLevelAlphabet} (so BPE never sees an
 * unknown character). Llama-3 and Qwen run it with {@code use_regex: false} after their own Split.
 */
public record ByteLevelSplit(boolean addPrefixSpace, boolean useRegex) implements PreTokenizer {

  private static final RegexSplit GPT2_WORDS =
      new RegexSplit(
          HfRegex.compile(
              "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
              "ByteLevel pre-tokenizer"),
          SplitBehavior.ISOLATED,
          false);

  @Override
  public void split(Piece piece, List<Piece> out) {
    if (addPrefixSpace && !piece.text().startsWith(" ")) {
      piece = new Piece(" " + piece.text(), piece.atTextStart());
    }
    List<Piece> words;
    if (useRegex) {
      words = new ArrayList<>();
      GPT2_WORDS.split(piece, words);
    } else {
      words = List.of(piece);
    }
    for (Piece word : words) {
      out.add(new Piece(ByteLevelAlphabet.spell(word.text()), word.atTextStart()));
    }
  }
}
