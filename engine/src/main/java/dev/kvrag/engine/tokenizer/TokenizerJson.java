package dev.kvrag.engine.tokenizer;

import dev.kvrag.engine.tokenizer.added.AddedToken;
import dev.kvrag.engine.tokenizer.bpe.BpeModel;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The contents of a tokenizer.json. The model's vocabulary and merges (the bulk of the file: 11 MB
 * for Qwen3) are read with Jackson's streaming parser straight into maps; the small pipeline
 * sections are kept as trees for the components to interpret.
 */
record TokenizerJson(
    String modelType,
    Map<String, Integer> vocab,
    List<String[]> merges,
    BpeModel.Options bpeOptions,
    List<AddedToken> addedTokens,
    JsonNode normalizer,
    JsonNode preTokenizer,
    JsonNode postProcessor,
    JsonNode decoder) {

  /**
   * Without canonicalized property names: the vocabulary's 150k distinct keys would only fill
   * Jackson's symbol table (and can overflow it), as each is read once.
   */
  private static final JsonMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .disable(TokenStreamFactory.Feature.CANONICALIZE_PROPERTY_NAMES)
                  .build())
          .build();

  static TokenizerJson parse(InputStream in, String source) {
    try (JsonParser p = MAPPER.createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException(source + " is not a JSON object");
      }
      Model model = null;
      List<AddedToken> added = List.of();
      JsonNode normalizer = null;
      JsonNode preTokenizer = null;
      JsonNode postProcessor = null;
      JsonNode decoder = null;
      while (p.nextToken() == JsonToken.PROPERTY_NAME) {
        String name = p.currentName();
        p.nextToken();
        switch (name) {
          case "model" -> model = readModel(p, source);
          case "added_tokens" -> added = readAddedTokens(p.readValueAsTree(), source);
          case "normalizer" -> normalizer = p.readValueAsTree();
          case "pre_tokenizer" -> preTokenizer = p.readValueAsTree();
          case "post_processor" -> postProcessor = p.readValueAsTree();
          case "decoder" -> decoder = p.readValueAsTree();
          default -> p.skipChildren();
        }
      }
      if (model == null) {
        throw new IllegalArgumentException(source + " has no \"model\" section");
      }
      return new TokenizerJson(
          model.type,
          model.vocab,
          model.merges,
          model.options(),
          added,
          normalizer,
          preTokenizer,
          postProcessor,
          decoder);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(
          source + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static final class Model {
    String type;
    Map<String, Integer> vocab;
    List<String[]> merges;
    String unkToken;
    String continuingSubwordPrefix;
    String endOfWordSuffix;
    boolean fuseUnk;
    boolean byteFallback;
    boolean ignoreMerges;

    BpeModel.Options options() {
      return new BpeModel.Options(
          unkToken, continuingSubwordPrefix, endOfWordSuffix, fuseUnk, byteFallback, ignoreMerges);
    }
  }

  private static Model readModel(JsonParser p, String source) {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new IllegalArgumentException(source + ": \"model\" is not an object");
    }
    Model model = new Model();
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      switch (name) {
        case "type" -> model.type = stringOrNull(p, value);
        case "vocab" -> model.vocab = readVocab(p, source);
        case "merges" -> model.merges = readMerges(p, source);
        case "unk_token" -> model.unkToken = stringOrNull(p, value);
        case "continuing_subword_prefix" -> model.continuingSubwordPrefix = stringOrNull(p, value);
        case "end_of_word_suffix" -> model.endOfWordSuffix = stringOrNull(p, value);
        case "fuse_unk" -> model.fuseUnk = value == JsonToken.VALUE_TRUE;
        case "byte_fallback" -> model.byteFallback = value == JsonToken.VALUE_TRUE;
        case "ignore_merges" -> model.ignoreMerges = value == JsonToken.VALUE_TRUE;
        default -> p.skipChildren(); // dropout: inference is deterministic
      }
    }
    if (model.type == null && model.merges != null) {
      model.type = "BPE"; // files from before the "type" tag: HF infers BPE from its merges
    }
    return model;
  }

  private static String stringOrNull(JsonParser p, JsonToken value) {
    return value == JsonToken.VALUE_STRING ? p.getString() : null;
  }

  private static Map<String, Integer> readVocab(JsonParser p, String source) {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      // WordPiece/Unigram-style vocabularies are arrays; the type check reports those.
      p.skipChildren();
      return Map.of();
    }
    Map<String, Integer> vocab = new HashMap<>(1 << 18);
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      String token = p.currentName();
      if (p.nextToken() != JsonToken.VALUE_NUMBER_INT) {
        throw new IllegalArgumentException(
            source + ": vocabulary entry '" + token + "' has no integer id");
      }
      vocab.put(token, p.getIntValue());
    }
    return vocab;
  }

  /** Merges as "left right" strings (HF's legacy form) or [left, right] pairs. */
  private static List<String[]> readMerges(JsonParser p, String source) {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new IllegalArgumentException(source + ": \"merges\" is not an array");
    }
    List<String[]> merges = new ArrayList<>(1 << 18);
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == JsonToken.VALUE_STRING) {
        String line = p.getString();
        if (line.startsWith("#version")) {
          continue;
        }
        int space = line.indexOf(' ');
        if (space < 0 || line.indexOf(' ', space + 1) >= 0) {
          throw new IllegalArgumentException(
              source + ": merge " + (merges.size() + 1) + " '" + line + "' is not two tokens");
        }
        merges.add(new String[] {line.substring(0, space), line.substring(space + 1)});
      } else if (t == JsonToken.START_ARRAY) {
        String left = p.nextStringValue();
        String right = p.nextStringValue();
        if (left == null || right == null || p.nextToken() != JsonToken.END_ARRAY) {
          throw new IllegalArgumentException(
              source + ": merge " + (merges.size() + 1) + " is not a pair of strings");
        }
        merges.add(new String[] {left, right});
      } else {
        throw new IllegalArgumentException(
            source + ": merge " + (merges.size() + 1) + " is neither a string nor a pair");
      }
    }
    return merges;
  }

  private static List<AddedToken> readAddedTokens(JsonNode array, String source) {
    List<AddedToken> tokens = new ArrayList<>();
    if (array == null || array.isNull()) {
      return tokens;
    }
    for (JsonNode t : array) {
      if (!t.path("id").isIntegralNumber() || !t.path("content").isString()) {
        throw new IllegalArgumentException(
            source + ": an added token lacks an integer id or a content string: " + t);
      }
      boolean special = t.path("special").asBoolean(false);
      tokens.add(
          new AddedToken(
              t.get("id").asInt(),
              t.get("content").asString(),
              t.path("single_word").asBoolean(false),
              t.path("lstrip").asBoolean(false),
              t.path("rstrip").asBoolean(false),
              t.path("normalized").asBoolean(!special),
              special));
    }
    return tokens;
  }
}
