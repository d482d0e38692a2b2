package dev.kvrag.engine.tokenizer;

import java.util.Arrays;

/**
 * Decodes generated ids one at a time, handing out only text that is complete: the pieces returned
 * by {@link #push} concatenate to {@code decode(allIds)}, minus anything still pending.
 *
 * <p>Decoding a single token is wrong in two ways: a byte-level token may hold half of a UTF-8
 * character (decoding alone gives U+FFFD), and SentencePiece decoders strip the leading space of
 * the first token. So, as HF's {@code DecodeStream}, this keeps a short window of ids: the ids that
 * produced the last returned text plus the new ones; it decodes the window, and returns what
 * extends the window's previous text, unless it still ends in U+FFFD (an incomplete character, held
 * back until the next id completes it). Not thread-safe: one per generation.
 */
public final class StreamingDecoder {

  private final Tokenizer tokenizer;
  private final boolean skipSpecialTokens;
  private int[] ids = new int[16];
  private int size;

  /** The text of ids[0, prefixIndex), already handed out. */
  private String prefix = "";

  private int prefixIndex;

  StreamingDecoder(Tokenizer tokenizer, boolean skipSpecialTokens) {
    this.tokenizer = tokenizer;
    this.skipSpecialTokens = skipSpecialTokens;
  }

  /** Adds one id; returns the newly completed text, "" if none is complete yet. */
  public String push(int id) {
    if (prefix.isEmpty() && size > 0) {
      String text = decodeWindow();
      if (!text.endsWith("\uFFFD")) {
        prefix = text;
        prefixIndex = size;
      }
    }
    if (size == ids.length) {
      ids = Arrays.copyOf(ids, size * 2);
    }
    ids[size++] = id;
    String text = decodeWindow();
    if (text.length() <= prefix.length() || text.endsWith("\uFFFD")) {
      return "";
    }
    // The window's text extends what was handed out; should a decoder ever re-decode the window
    // differently, what was handed out cannot be taken back, so only what lies beyond it is new.
    String fresh = text.substring(prefix.length());
    int newPrefixIndex = size - prefixIndex;
    System.arraycopy(ids, prefixIndex, ids, 0, size - prefixIndex);
    size -= prefixIndex;
    prefix = decodeWindow();
    prefixIndex = newPrefixIndex;
    return fresh;
  }

  /**
   * The text still held back (an incomplete character at the end of generation), decoded as is,
   * with U+FFFD for the incomplete bytes; "" if nothing is pending. Call once, at the end.
   */
  public String finish() {
    String text = decodeWindow();
    if (text.length() <= prefix.length() || !text.startsWith(prefix)) {
      return "";
    }
    String rest = text.substring(prefix.length());
    prefix = text;
    prefixIndex = size;
    return rest;
  }

  private String decodeWindow() {
    return tokenizer.decode(Arrays.copyOf(ids, size), skipSpecialTokens);
  }
}
