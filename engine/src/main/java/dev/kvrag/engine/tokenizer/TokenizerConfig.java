package dev.kvrag.engine.tokenizer;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/**
 * What tokenizer_config.json says about framing text for the model; all strings nullable.
 *
 * <p>{@code addBosToken} is resolved once, in this order: an explicit {@code add_bos_token}; else a
 * tokenizer.json post-processor whose single-sequence template starts with a special token (HF adds
 * it then); else true when a BOS token is defined and the tokenizer is a {@code LlamaTokenizer}
 * (whose default is to add it) or the chat template writes {@code bos_token} (the model was trained
 * with a leading BOS: Llama-3's tokenizer.json predates its BOS template); else false (Qwen).
 */
public record TokenizerConfig(
    String bosToken, String eosToken, boolean addBosToken, String chatTemplate) {

  /**
   * @param tokenizerConfig tokenizer_config.json, or null when the directory has none
   * @param postProcessor the post_processor section of tokenizer.json, or null
   */
  static TokenizerConfig from(JsonNode tokenizerConfig, JsonNode postProcessor) {
    JsonNode c = tokenizerConfig == null ? MissingNode.getInstance() : tokenizerConfig;
    String bos = tokenContent(c.get("bos_token"));
    String eos = tokenContent(c.get("eos_token"));
    String template = chatTemplate(c.get("chat_template"));
    boolean addBos;
    JsonNode explicit = c.get("add_bos_token");
    if (explicit != null && explicit.isBoolean()) {
      addBos = explicit.booleanValue();
    } else if (templateStartsWithSpecialToken(postProcessor)) {
      addBos = true;
    } else {
      String tokenizerClass = c.path("tokenizer_class").asString("");
      boolean llamaDefault = tokenizerClass.startsWith("LlamaTokenizer");
      boolean templateWritesBos = template != null && template.contains("bos_token");
      addBos = bos != null && (llamaDefault || templateWritesBos);
    }
    return new TokenizerConfig(bos, eos, addBos, template);
  }

  /** A special token given as a string or as an {"content": ...} object. */
  static String tokenContent(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isString()) {
      return node.asString();
    }
    JsonNode content = node.get("content");
    return content != null && content.isString() ? content.asString() : null;
  }

  /** A template string, or from a list of named templates the "default" one (else the first). */
  private static String chatTemplate(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isString()) {
      return node.asString();
    }
    String first = null;
    for (JsonNode named : node) {
      String template = named.path("template").asString(null);
      if ("default".equals(named.path("name").asString(null))) {
        return template;
      }
      first = first == null ? template : first;
    }
    return first;
  }

  private static boolean templateStartsWithSpecialToken(JsonNode processor) {
    if (processor == null || processor.isNull()) {
      return false;
    }
    String type = processor.path("type").asString("");
    if (type.equals("Sequence")) {
      for (JsonNode step : processor.path("processors")) {
        if (templateStartsWithSpecialToken(step)) {
          return true;
        }
      }
      return false;
    }
    if (!type.equals("TemplateProcessing")) {
      return false;
    }
    JsonNode single = processor.path("single");
    return single.isArray() && !single.isEmpty() && single.get(0).has("SpecialToken");
  }
}
