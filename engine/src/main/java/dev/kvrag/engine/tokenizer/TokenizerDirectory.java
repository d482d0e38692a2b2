package dev.kvrag.engine.tokenizer;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The tokenizer files of a model directory: {@code tokenizer.json} (or {@code tokenizer.json.gz}
 * when the plain file is absent), and the optional {@code tokenizer_config.json}, {@code
 * generation_config.json} and {@code config.json}. The optional ones are null when absent.
 */
record TokenizerDirectory(
    TokenizerJson tokenizer,
    JsonNode tokenizerConfig,
    JsonNode generationConfig,
    JsonNode modelConfig) {

  static TokenizerDirectory read(Path dir) {
    if (dir == null) {
      throw new IllegalArgumentException("tokenizer directory is null");
    }
    if (!Files.exists(dir)) {
      throw new IllegalArgumentException("tokenizer directory " + dir + " does not exist");
    }
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(
          dir + " is a file; give the directory that holds tokenizer.json");
    }
    return new TokenizerDirectory(
        readTokenizerJson(dir),
        readOptional(dir.resolve("tokenizer_config.json")),
        readOptional(dir.resolve("generation_config.json")),
        readOptional(dir.resolve("config.json")));
  }

  private static TokenizerJson readTokenizerJson(Path dir) {
    Path plain = dir.resolve("tokenizer.json");
    Path gzipped = dir.resolve("tokenizer.json.gz");
    Path file = Files.exists(plain) ? plain : gzipped;
    if (!Files.exists(file)) {
      throw new IllegalArgumentException(
          "no tokenizer.json or tokenizer.json.gz in " + dir.toAbsolutePath());
    }
    try (InputStream in = open(file)) {
      return TokenizerJson.parse(in, file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static InputStream open(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    return file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
  }

  private static JsonNode readOptional(Path file) {
    if (!Files.exists(file)) {
      return null;
    }
    try {
      JsonNode node = JsonMapper.shared().readTree(file.toFile());
      if (!node.isObject()) {
        throw new IllegalArgumentException(file + " is not a JSON object");
      }
      return node;
    } catch (JacksonException e) {
      throw new IllegalArgumentException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }
}
