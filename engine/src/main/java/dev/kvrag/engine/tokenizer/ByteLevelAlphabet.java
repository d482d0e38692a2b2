package dev.kvrag.engine.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * GPT-2's reversible map between the 256 byte values and printable characters ({@code
 * bytes_to_unicode}): the printable Latin-1 bytes stand for themselves, the other 68 are shifted to
 * U+0100.. in byte order, so a space becomes 'Ġ' and a newline 'Ċ'. Byte-level BPE vocabularies are
 * spelled in this alphabet.
 */
public final class ByteLevelAlphabet {

  private static final char[] CHAR_OF_BYTE = new char[256];
  private static final int[] BYTE_OF_CHAR = new int[0x144];

  static {
    java.util.Arrays.fill(BYTE_OF_CHAR, -1);
    int shifted = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
      char c = printable ? (char) b : (char) (256 + shifted++);
      CHAR_OF_BYTE[b] = c;
      BYTE_OF_CHAR[c] = b;
    }
  }

  private ByteLevelAlphabet() {}

  /** The character that spells byte {@code b} (0..255). */
  public static char charOf(int b) {
    return CHAR_OF_BYTE[b & 0xFF];
  }

  /** The byte a character spells, or -1 if it is not in the alphabet. */
  public static int byteOf(int codePoint) {
    return codePoint >= 0 && codePoint < BYTE_OF_CHAR.length ? BYTE_OF_CHAR[codePoint] : -1;
  }

  /** The UTF-8 bytes of {@code text}, one alphabet character per byte. */
  public static String spell(String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    char[] spelled = new char[utf8.length];
    for (int i = 0; i < utf8.length; i++) {
      spelled[i] = CHAR_OF_BYTE[utf8[i] & 0xFF];
    }
    return new String(spelled);
  }
}
