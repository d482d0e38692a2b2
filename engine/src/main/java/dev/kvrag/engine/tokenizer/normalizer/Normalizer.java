package dev.kvrag.engine.tokenizer.normalizer;

import dev.kvrag.engine.tokenizer.HfRegex;
import dev.kvrag.engine.tokenizer.Unicode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The {@code normalizer} of a tokenizer.json: rewrites each stretch of text between added tokens
 * before it is pre-tokenized (HF applies it per stretch, so Llama-2's Prepend puts a '▁' after
 * every special token too).
 */
public sealed interface Normalizer {

  String normalize(String text);

  /** Unicode normalization: NFC (Qwen), NFD, NFKC, NFKD. */
  record UnicodeForm(java.text.Normalizer.Form form) implements Normalizer {
    @Override
    public String normalize(String text) {
      return java.text.Normalizer.normalize(text, form);
    }
  }

  /**
   * Lowercases character by character with the full Unicode mapping, as HF's {@code
   * NormalizedString::lowercase} does: no context rules, so a word-final 'Σ' becomes 'σ', not 'ς'.
   */
  record Lowercase() implements Normalizer {
    @Override
    public String normalize(String text) {
      StringBuilder lower = new StringBuilder(text.length());
      text.codePoints()
          .forEach(cp -> lower.append(Character.toString(cp).toLowerCase(Locale.ROOT)));
      return lower.toString();
    }
  }

  /** Prepends {@code prefix} to non-empty text (SentencePiece's leading '▁'). */
  record Prepend(String prefix) implements Normalizer {
    @Override
    public String normalize(String text) {
      return text.isEmpty() ? text : prefix + text;
    }
  }

  record Replace(Pattern pattern, String content) implements Normalizer {
    @Override
    public String normalize(String text) {
      return pattern.matcher(text).replaceAll(Matcher.quoteReplacement(content));
    }
  }

  /** Strips White_Space (Rust's {@code trim_start}/{@code trim_end}) from either end. */
  record Strip(boolean left, boolean right) implements Normalizer {
    @Override
    public String normalize(String text) {
      int start = 0;
      int end = text.length();
      while (left && start < end && Unicode.isWhiteSpace(text.codePointAt(start))) {
        start += Character.charCount(text.codePointAt(start));
      }
      while (right && end > start && Unicode.isWhiteSpace(text.codePointBefore(end))) {
        end -= Character.charCount(text.codePointBefore(end));
      }
      return text.substring(start, end);
    }
  }

  record Sequence(List<Normalizer> steps) implements Normalizer {
    @Override
    public String normalize(String text) {
      for (Normalizer step : steps) {
        text = step.normalize(text);
      }
      return text;
    }
  }

  /** The identity for a {@code "normalizer": null}. */
  static Normalizer none() {
    return new Sequence(List.of());
  }

  /** Builds the normalizer a tokenizer.json describes; unknown types fail naming the type. */
  static Normalizer fromJson(JsonNode node) {
    if (node == null || node.isNull()) {
      return none();
    }
    String type = node.path("type").asString("");
    return switch (type) {
      case "NFC" -> new UnicodeForm(java.text.Normalizer.Form.NFC);
      case "NFD" -> new UnicodeForm(java.text.Normalizer.Form.NFD);
      case "NFKC" -> new UnicodeForm(java.text.Normalizer.Form.NFKC);
      case "NFKD" -> new UnicodeForm(java.text.Normalizer.Form.NFKD);
      case "Lowercase" -> new Lowercase();
      case "Prepend" -> new Prepend(node.path("prepend").asString());
      case "Replace" ->
          new Replace(
              HfRegex.fromJson(node, "Replace normalizer"), node.path("content").asString());
      case "Strip" ->
          new Strip(
              node.path("strip_left").asBoolean(true), node.path("strip_right").asBoolean(true));
      case "Sequence" -> {
        List<Normalizer> steps = new ArrayList<>();
        for (JsonNode step : node.path("normalizers")) {
          steps.add(fromJson(step));
        }
        yield new Sequence(List.copyOf(steps));
      }
      default ->
          throw new IllegalArgumentException(
              "unsupported normalizer type '"
                  + type
                  + "' in tokenizer.json (supported: NFC, NFD,"
                  + " NFKC, NFKD, Lowercase, Prepend, Replace, Strip, Sequence)");
    };
  }
}
