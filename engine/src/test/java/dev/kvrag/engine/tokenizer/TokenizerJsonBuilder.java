package dev.kvrag.engine.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Writes small tokenizer.json files for tests that need a pipeline the real files lack. */
final class TokenizerJsonBuilder {

  private final ObjectNode root = JsonMapper.shared().createObjectNode();
  private final ObjectNode model = root.putObject("model");
  private final ObjectNode vocab;
  private final ArrayNode merges;
  private final ArrayNode added = root.putArray("added_tokens");
  private int nextId;
  private int newAddedTokens;
  private final java.util.Map<String, Integer> addedIds = new java.util.HashMap<>();

  TokenizerJsonBuilder() {
    root.put("version", "1.0");
    root.putNull("normalizer");
    root.putNull("pre_tokenizer");
    root.putNull("post_processor");
    root.putNull("decoder");
    model.put("type", "BPE");
    vocab = model.putObject("vocab");
    merges = model.putArray("merges");
  }

  /** Adds tokens with consecutive ids. */
  TokenizerJsonBuilder vocab(String... tokens) {
    for (String token : tokens) {
      vocab.put(token, nextId++);
    }
    return this;
  }

  /** Adds every character of {@code alphabet} as a token. */
  TokenizerJsonBuilder characters(String alphabet) {
    alphabet.codePoints().distinct().forEach(cp -> vocab(Character.toString(cp)));
    return this;
  }

  TokenizerJsonBuilder merges(String... pairs) {
    for (String pair : pairs) {
      merges.add(pair);
    }
    return this;
  }

  TokenizerJsonBuilder modelOption(String key, boolean value) {
    model.put(key, value);
    return this;
  }

  TokenizerJsonBuilder modelOption(String key, String value) {
    model.put(key, value);
    return this;
  }

  TokenizerJsonBuilder section(String name, String json) {
    root.set(name, parse(json));
    return this;
  }

  /**
   * Adds an added token with the id HF gives it: its vocabulary id if it is a vocabulary token,
   * else the next id after the vocabulary. Add the vocabulary first.
   */
  TokenizerJsonBuilder addedToken(
      String content,
      boolean special,
      boolean singleWord,
      boolean lstrip,
      boolean rstrip,
      boolean normalized) {
    int id = vocab.has(content) ? vocab.get(content).asInt() : nextId + newAddedTokens++;
    addedIds.put(content, id);
    ObjectNode t = added.addObject();
    t.put("id", id);
    t.put("content", content);
    t.put("single_word", singleWord);
    t.put("lstrip", lstrip);
    t.put("rstrip", rstrip);
    t.put("normalized", normalized);
    t.put("special", special);
    return this;
  }

  /** The id of an added token or vocabulary token. */
  int id(String token) {
    Integer added = addedIds.get(token);
    return added != null ? added : vocab.get(token).asInt();
  }

  ObjectNode root() {
    return root;
  }

  Path writeTo(Path dir) throws IOException {
    Files.writeString(dir.resolve("tokenizer.json"), root.toString());
    return dir;
  }

  Tokenizer load(Path dir) throws IOException {
    return Tokenizer.load(writeTo(dir));
  }

  private static JsonNode parse(String json) {
    return JsonMapper.shared().readTree(json);
  }
}
