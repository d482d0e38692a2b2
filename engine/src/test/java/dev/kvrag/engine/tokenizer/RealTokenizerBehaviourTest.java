package dev.kvrag.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hand-checked behaviour of the real Qwen3, Llama-3 and Llama-2 tokenizer files. */
class RealTokenizerBehaviourTest {

  private static final Tokenizer QWEN3 = RealTokenizers.get("qwen3");
  private static final Tokenizer LLAMA3 = RealTokenizers.get("llama3");
  private static final Tokenizer LLAMA2 = RealTokenizers.get("llama2");

  @Test
  void helloWorldHasTheIdsOfTheVocabularyEntries() {
    // Byte-level: "Hello" + "Ġworld" (Ġ spells the space byte).
    assertArrayEquals(new int[] {9906, 1917}, LLAMA3.encode("Hello world"));
    assertEquals("Ġworld", LLAMA3.tokenText(1917));
    assertArrayEquals(new int[] {9707, 1879}, QWEN3.encode("Hello world"));
    assertEquals("Ġworld", QWEN3.tokenText(1879));
    // SentencePiece: "▁Hello" + "▁world". (This file's ids are Mistral's, not the 15043/3186 of
    // Meta's Llama-2 vocabulary.)
    assertArrayEquals(new int[] {22557, 1526}, LLAMA2.encode("Hello world"));
    assertEquals("\u2581Hello", LLAMA2.tokenText(22557));
  }

  @Test
  void llama3GroupsDigitsByThreeWhileQwenSplitsEveryDigit() {
    assertArrayEquals(new String[] {"123", "45"}, texts(LLAMA3, LLAMA3.encode("12345")));
    assertArrayEquals(new String[] {"1", "2", "3", "4", "5"}, texts(QWEN3, QWEN3.encode("12345")));
  }

  @Test
  void specialTokensWrittenInTextBecomeTheirIds() {
    int[] ids = QWEN3.encode("<|im_start|>user\nHi<|im_end|>");
    assertEquals(151644, ids[0]);
    assertEquals(151645, ids[ids.length - 1]);
    assertEquals(OptionalInt.of(151644), QWEN3.tokenId("<|im_start|>"));
    assertArrayEquals(new int[] {128000}, LLAMA3.encode("<|begin_of_text|>"));
    // After a special token SentencePiece starts a new stretch, which gets its own '▁'.
    assertArrayEquals(new int[] {1, 22557}, LLAMA2.encode("<s>Hello"));
  }

  @Test
  void anIncompleteSpecialTokenIsPlainText() {
    int[] ids = QWEN3.encode("<|im_start");
    assertFalse(Arrays.stream(ids).anyMatch(id -> id >= 151643));
    assertEquals("<|im_start", QWEN3.decode(ids));
  }

  @Test
  void skippingSpecialTokensKeepsTheTextAround() {
    int[] ids = QWEN3.encode("<|im_start|>user\nHi<|im_end|>");
    assertEquals("<|im_start|>user\nHi<|im_end|>", QWEN3.decode(ids));
    assertEquals("user\nHi", QWEN3.decode(ids, true));
    // <think> is an added token but not a special one: it survives skipping.
    assertEquals("<think>x", QWEN3.decode(QWEN3.encode("<think>x"), true));
  }

  @Test
  void rareCharactersFallBackToTheirUtf8BytesInLlama2() {
    String rare = "\uD835\uDD18"; // U+1D518 MATHEMATICAL FRAKTUR CAPITAL U, not in the vocabulary
    int[] ids = LLAMA2.encode(rare);
    assertArrayEquals(
        new String[] {"\u2581", "<0xF0>", "<0x9D>", "<0x94>", "<0x98>"}, texts(LLAMA2, ids));
    assertEquals(rare, LLAMA2.decode(ids));
  }

  @Test
  void anIncompleteByteRunDecodesToOneReplacementPerByte() {
    int e5 = LLAMA2.tokenId("<0xE5>").orElseThrow();
    int x8f = LLAMA2.tokenId("<0x8F>").orElseThrow();
    int xab = LLAMA2.tokenId("<0xAB>").orElseThrow();
    assertEquals("\uFFFD\uFFFD", LLAMA2.decode(new int[] {e5, x8f}));
    assertEquals("叫", LLAMA2.decode(new int[] {e5, x8f, xab}));
  }

  @Test
  void byteLevelDecodingReplacesEachInvalidSequenceOnce() {
    // Byte-level tokens for the bytes of "é" (C3 A9): alone, C3 is one incomplete sequence.
    int c3 = LLAMA3.tokenId(String.valueOf(ByteLevelAlphabet.charOf(0xC3))).orElseThrow();
    int a9 = LLAMA3.tokenId(String.valueOf(ByteLevelAlphabet.charOf(0xA9))).orElseThrow();
    assertEquals("\uFFFD", LLAMA3.decode(new int[] {c3}));
    assertEquals("é", LLAMA3.decode(new int[] {c3, a9}));
    assertEquals("\uFFFD\uFFFD", LLAMA3.decode(new int[] {a9, a9}));
  }

  @Test
  void idsWithoutATokenDecodeToNothing() {
    assertEquals("Hello", QWEN3.decode(new int[] {9707, 151_900}));
    assertThrows(IllegalArgumentException.class, () -> QWEN3.tokenText(151_900));
  }

  @ParameterizedTest
  @ValueSource(strings = {"qwen3", "llama3", "llama2"})
  void decodingTheEncodingGivesTheTextBack(String name) {
    Tokenizer tokenizer = RealTokenizers.get(name);
    SplittableRandom random = new SplittableRandom(name.hashCode());
    String[] alphabet = {
      "a", "Z", "é", "ß", "e\u0301", "中", "語", "ا", "ש", "😀", "👩‍💻", "🇳🇴", "1", "٣", "'", "'s",
      "\"", " ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "{", "}", "<", "|", "_", "-", ".",
      "\u200b"
    };
    for (int trial = 0; trial < 300; trial++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(1, 30);
      for (int i = 0; i < length; i++) {
        text.append(alphabet[random.nextInt(alphabet.length)]);
      }
      String s = text.toString();
      // Qwen normalizes to NFC, so it gives back the composed form.
      String expected = name.equals("qwen3") ? Normalizer.normalize(s, Normalizer.Form.NFC) : s;
      assertEquals(expected, tokenizer.decode(tokenizer.encode(s)), "round trip of " + s);
    }
  }

  @Test
  void aLoneSurrogateIsEncodedAsTheReplacementCharacter() {
    assertArrayEquals(LLAMA3.encode("a\uFFFDb"), LLAMA3.encode("a\uD800b"));
  }

  @Test
  void bosIsAddedOnlyWhereTheConfigAsksForIt() {
    assertEquals(OptionalInt.of(1), LLAMA2.bosId());
    assertArrayEquals(new int[] {1, 22557, 1526}, LLAMA2.encodeWithBos("Hello world"));
    // Llama-3's chat template writes bos_token: the model expects a leading BOS.
    assertArrayEquals(new int[] {128000, 9906, 1917}, LLAMA3.encodeWithBos("Hello world"));
    // Qwen has no BOS token.
    assertTrue(QWEN3.bosId().isEmpty());
    assertArrayEquals(new int[] {9707, 1879}, QWEN3.encodeWithBos("Hello world"));
  }

  @Test
  void configRecordsExposeTokenizerConfig() {
    TokenizerConfig qwen = QWEN3.config();
    assertNull(qwen.bosToken());
    assertEquals("<|im_end|>", qwen.eosToken());
    assertFalse(qwen.addBosToken());
    assertNotNull(qwen.chatTemplate());
    assertArrayEquals(new int[] {151645}, QWEN3.eosIds());

    assertEquals("<s>", LLAMA2.config().bosToken());
    assertTrue(LLAMA2.config().addBosToken());
    assertArrayEquals(new int[] {2}, LLAMA2.eosIds());
    assertArrayEquals(new int[] {128001}, LLAMA3.eosIds());
  }

  @Test
  void vocabSizeCoversTheAddedTokens() {
    assertEquals(151_669, QWEN3.vocabSize());
    assertEquals(128_256, LLAMA3.vocabSize());
    assertEquals(32_000, LLAMA2.vocabSize());
  }

  private static String[] texts(Tokenizer tokenizer, int[] ids) {
    return Arrays.stream(ids).mapToObj(tokenizer::tokenText).toArray(String[]::new);
  }
}
