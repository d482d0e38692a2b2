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
        .vocab("#0", "#1", "#2", "#3", "#4") // ids 0-4 belong to the added tokens below
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
            .addedToken(0, "my", false, false, true, true, true)
            .addedToken(1, "name", false, false, false, false, true)
            .addedToken(2, "ony", false, true, false, false, true)
            .addedToken(3, "[CLS]", true, false, false, false, false)
            .addedToken(4, "[SEP]", true, false, false, false, false);
    Tokenizer tokenizer = b.load(dir);

    // HF: "[CLS]", " my " (both spaces stripped into it, matched after lowercasing), "name",
    // " is anthony " (no "ony": it is inside a word), "[SEP]".
    int[] expected =
        concat(new int[] {3, 0, 1}, chars(b, " is anthony "), new int[] {4});
    assertArrayEquals(expected, tokenizer.encode("[CLS] My name is Anthony [SEP]"));
  }

  @Test
  void singleWordTokensMatchOnlyBetweenNonWordCharacters() throws IOException {
    TokenizerJsonBuilder b =
        lowercasingCharacterTokenizer().addedToken(0, "<mask>", false, true, false, false, true);
    Tokenizer tokenizer = b.load(dir);

    int[] expected =
        concat(
            new int[] {0},
            chars(b, " my name "),
            new int[] {0},
            chars(b, " a<mask> <mask>ony "),
            new int[] {0});
    assertArrayEquals(
        expected, tokenizer.encode("<mask> My name <mask> A<mask> <mask>ony <mask>"));
  }

  @Test
  void longestAddedTokenWinsAtTheSamePosition() throws IOException {
    TokenizerJsonBuilder b =
        lowercasingCharacterTokenizer()
            .addedToken(0, "<a", true, false, false, false, false)
            .addedToken(1, "<ab>", true, false, false, false, false);
    Tokenizer tokenizer = b.load(dir);

    assertArrayEquals(concat(new int[] {1}, chars(b, "c")), tokenizer.encode("<ab>c"));
    assertArrayEquals(concat(new int[] {0}, chars(b, "c>")), tokenizer.encode("<ac>"));
  }

  @Test
  void specialTokensAreMatchedInRawTextBeforeNormalization() throws IOException {
    TokenizerJsonBuilder b =
        lowercasingCharacterTokenizer().addedToken(3, "[CLS]", true, false, false, false, false);
    Tokenizer tokenizer = b.load(dir);

    // Not normalized: the lowercase spelling is plain text.
    assertArrayEquals(new int[] {3}, tokenizer.encode("[CLS]"));
    assertArrayEquals(chars(b, "[cls]"), tokenizer.encode("[cls]"));
  }

  @Test
  void normalizedAddedTokenIsMatchedAsTheNormalizerSpellsIt() throws IOException {
    // HF's comment in extract_and_normalize: with Prepend('▁'), a normalized "</s>" is looked
    // for as "▁</s>", so "book</s>Hey" keeps "</s>" as plain text.
    TokenizerJsonBuilder b =
        new TokenizerJsonBuilder()
            .vocab("#0")
            .characters("\u2581abcdefghijklmnopqrstuvwxyzHI</>")
            .section("normalizer", "{\"type\": \"Prepend\", \"prepend\": \"\u2581\"}")
            .addedToken(0, "</s>", false, false, false, false, true);
    Tokenizer tokenizer = b.load(dir);

    assertArrayEquals(chars(b, "\u2581book</s>Hey"), tokenizer.encode("book</s>Hey"));
    assertArrayEquals(new int[] {0}, tokenizer.encode("</s>"));
  }
}
