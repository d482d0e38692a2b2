package dev.kvrag.engine.tokenizer.pretokenizer;

import dev.kvrag.engine.tokenizer.HfRegex;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The {@code pre_tokenizer} of a tokenizer.json: cuts normalized text into the words that BPE
 * merges independently (merges never cross a word boundary), possibly rewriting them (ByteLevel
 * spells bytes, Metaspace writes '▁').
 */
public interface PreTokenizer {

  /** Appends the non-empty words of {@code piece} to {@code out}. */
  void split(Piece piece, List<Piece> out);

  /** Applies each step to every piece the previous step produced. */
  record Sequence(List<PreTokenizer> steps) implements PreTokenizer {
    @Override
    public void split(Piece piece, List<Piece> out) {
      List<Piece> pieces = List.of(piece);
      for (PreTokenizer step : steps) {
        List<Piece> next = new ArrayList<>(pieces.size() * 2);
        for (Piece p : pieces) {
          step.split(p, next);
        }
        pieces = next;
      }
      out.addAll(pieces);
    }
  }

  /** The whole piece as one word, for a {@code "pre_tokenizer": null} (Llama-2). */
  static PreTokenizer none() {
    return new Sequence(List.of());
  }

  /** Builds the pre-tokenizer a tokenizer.json describes; unknown types fail naming the type. */
  static PreTokenizer fromJson(JsonNode node) {
    if (node == null || node.isNull()) {
      return none();
    }
    String type = node.path("type").asString("");
    return switch (type) {
      case "Sequence" -> {
        List<PreTokenizer> steps = new ArrayList<>();
        for (JsonNode step : node.path("pretokenizers")) {
          steps.add(fromJson(step));
        }
        yield new Sequence(List.copyOf(steps));
      }
      case "Split" ->
          new RegexSplit(
              HfRegex.fromJson(node, "Split pre-tokenizer"),
              SplitBehavior.fromJson(node.path("behavior").asString("Isolated")),
              node.path("invert").asBoolean(false));
      case "ByteLevel" ->
          new ByteLevelSplit(
              node.path("add_prefix_space").asBoolean(true),
              node.path("use_regex").asBoolean(true));
      case "Metaspace" -> MetaspaceSplit.fromJson(node);
      case "Digits" -> new DigitSplit(node.path("individual_digits").asBoolean(false));
      default ->
          throw new IllegalArgumentException(
              "unsupported pre_tokenizer type '"
                  + type
                  + "' in tokenizer.json (supported: Split,"
                  + " ByteLevel, Metaspace, Digits, Sequence)");
    };
  }
}
