package dev.kvrag.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Added-token matching as specified by HF's own AddedVocabulary tests (options_use_cases,
 * test_single_word_is_correct), run through the whole pipeline with a character vocabulary, so
 * every plain character shows up as its own id.
 */
class AddedTokenMatchingTest {

  @TempDir Path dir;

  private TokenizerJsonBuilder lowercasingCharacterTokenizer() {
    return new TokenizerJsonBuilder()
        .characters(" abcdefghijklmnopqrstuvwxyz<>[],-")
        .section("normalizer", "{\"type\": \"Lowercase\"}");
  }

  private static int[] concat(int[]... parts) {
    return java.util.Arrays.stream(parts).flatMapToInt(IntStream::of).toArray();
  }

  private static int[] chars(TokenizerJsonBuilder b, String text) {
    return text.codePoints().map(cp -> b.id(Character.toString(cp))).toArray();
  }

  @Test
  void stripFlagsSwallowWhitespaceAndSingleWordRefusesMatchesInsideWords() throws IOException {
    TokenizerJsonBuilder b =
        lowercasingCharacterTokenizer()
            .addedToken("my", false, false, true, true, true)
            .addedToken("name", false, false, false, false, true)
            .addedToken("ony", false, true, false, false, true)
            .addedToken("[CLS]", true, false, false, false, false)
            .addedToken("[SEP]", true, false, false, false, false);
    Tokenizer tokenizer = b.load(dir);

    // HF: "[CLS]", " my " (both spaces stripped into it, matched after lowercasing), "name",
    // " is anthony " (no "ony": it is inside a word), "[SEP]".
    int[] expected =
        concat(
            new int[] {b.id("[CLS]"), b.id("my"), b.id("name")},
            chars(b, " is anthony "),
            new int[] {b.id("[SEP]")});
    assertArrayEquals(expected, tokenizer.encode("[CLS] My name is Anthony [SEP]"));
  }

  @Test
  void singleWordTokensMatchOnlyBetweenNonWordCharacters() throws IOException {
    TokenizerJsonBuilder b =
        lowercasingCharacterTokenizer().addedToken("<mask>", false, true, false, false, true);
    Tokenizer tokenizer = b.load(dir);

    int mask = b.id("<mask>");
    int[] expected =
        concat(
            new int[] {mask},
            chars(b, " my name "),
            new int[] {mask},
            chars(b, " a<mask> <mask>ony "),
            new int[] {mask});
    assertArrayEquals(expected, tokenizer.encode("<mask> My name <mask> A<mask> <mask>ony <mask>"));
  }

  @Test
  void longestAddedTokenWinsAtTheSamePosition() throws IOException {
    TokenizerJsonBuilder b =
        lowercasingCharacterTokenizer()
            .addedToken("<a", true, false, false, false, false)
            .addedToken("<ab>", true, false, false, false, false);
    Tokenizer tokenizer = b.load(dir);

    assertArrayEquals(concat(new int[] {b.id("<ab>")}, chars(b, "c")), tokenizer.encode("<ab>c"));
    assertArrayEquals(concat(new int[] {b.id("<a")}, chars(b, "c>")), tokenizer.encode("<ac>"));
  }

  @Test
  void specialTokensAreMatchedInRawTextBeforeNormalization() throws IOException {
    TokenizerJsonBuilder b =
        lowercasingCharacterTokenizer().addedToken("[CLS]", true, false, false, false, false);
    Tokenizer tokenizer = b.load(dir);

    // Not normalized: the lowercase spelling is plain text.
    assertArrayEquals(new int[] {b.id("[CLS]")}, tokenizer.encode("[CLS]"));
    assertArrayEquals(chars(b, "[cls]"), tokenizer.encode("[cls]"));
  }

  @Test
  void normalizedAddedTokenIsMatchedAsTheNormalizerSpellsIt() throws IOException {
    // HF's comment in extract_and_normalize: with Prepend('▁'), a normalized "</s>" is looked
    // for as "▁</s>", so "book</s>Hey" keeps "</s>" as plain text.
    TokenizerJsonBuilder b =
        new TokenizerJsonBuilder()
            .characters("\u2581abcdefghijklmnopqrstuvwxyzHI</>")
            .section("normalizer", "{\"type\": \"Prepend\", \"prepend\": \"\u2581\"}")
            .addedToken("</s>", false, false, false, false, true);
    Tokenizer tokenizer = b.load(dir);

    assertArrayEquals(chars(b, "\u2581book</s>Hey"), tokenizer.encode("book</s>Hey"));
    assertArrayEquals(new int[] {b.id("</s>")}, tokenizer.encode("</s>"));
  }
}
