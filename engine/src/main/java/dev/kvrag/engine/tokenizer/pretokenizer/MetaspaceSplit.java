package dev.kvrag.engine.tokenizer.pretokenizer;

import java.util.Arrays;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The {@code Metaspace} pre-tokenizer of older SentencePiece-style files (Llama-2/Mistral before
 * the Prepend/Replace normalizers): spaces become '▁', a '▁' is prepended per {@code
 * prepend_scheme}, and with {@code split} every '▁' starts a new word.
 */
public record MetaspaceSplit(String replacement, PrependScheme prependScheme, boolean split)
    implements PreTokenizer {

  public enum PrependScheme {
    ALWAYS,
    FIRST,
    NEVER
  }

  /**
   * Reads both spellings: {@code prepend_scheme} ("always"/"first"/"never", default always) and the
   * legacy {@code add_prefix_space} boolean, where false means never (HF rejects a false that
   * contradicts an explicit scheme).
   */
  static MetaspaceSplit fromJson(JsonNode node) {
    String replacement = node.path("replacement").asString("\u2581");
    if (replacement.codePointCount(0, replacement.length()) != 1) {
      throw new IllegalArgumentException(
          "Metaspace pre-tokenizer replacement must be one character, got '" + replacement + "'");
    }
    PrependScheme scheme =
        switch (node.path("prepend_scheme").asString("always")) {
          case "always" -> PrependScheme.ALWAYS;
          case "first" -> PrependScheme.FIRST;
          case "never" -> PrependScheme.NEVER;
          default ->
              throw new IllegalArgumentException(
                  "Metaspace pre-tokenizer has unknown prepend_scheme '"
                      + node.path("prepend_scheme").asString()
                      + "'");
        };
    JsonNode addPrefixSpace = node.path("add_prefix_space");
    if (addPrefixSpace.isBoolean() && !addPrefixSpace.booleanValue()) {
      if (node.has("prepend_scheme") && scheme != PrependScheme.NEVER) {
        throw new IllegalArgumentException(
            "Metaspace pre-tokenizer: add_prefix_space false contradicts prepend_scheme");
      }
      scheme = PrependScheme.NEVER;
    }
    return new MetaspaceSplit(replacement, scheme, node.path("split").asBoolean(true));
  }

  @Override
  public void split(Piece piece, List<Piece> out) {
    String text = piece.text().replace(" ", replacement);
    boolean prepend =
        switch (prependScheme) {
          case ALWAYS -> !text.startsWith(replacement);
          case FIRST -> !text.startsWith(replacement) && piece.atTextStart();
          case NEVER -> false;
        };
    if (prepend) {
      text = replacement + text;
    }
    Piece rewritten = new Piece(text, piece.atTextStart());
    if (!split) {
      if (!text.isEmpty()) {
        out.add(rewritten);
      }
      return;
    }
    int[] matches = new int[16];
    int count = 0;
    for (int i = text.indexOf(replacement); i >= 0; i = text.indexOf(replacement, i + 1)) {
      if (2 * count + 2 > matches.length) {
        matches = Arrays.copyOf(matches, matches.length * 2);
      }
      matches[2 * count] = i;
      matches[2 * count + 1] = i + replacement.length();
      count++;
    }
    SplitBehavior.MERGED_WITH_NEXT.cut(rewritten, matches, count, false, out);
  }
}
