package dev.kvrag.engine.tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The real Qwen3 / Llama-3 / Llama-2 tokenizer files committed under models/tokenizers. */
final class RealTokenizers {

  private static final Map<String, Tokenizer> LOADED = new ConcurrentHashMap<>();

  private RealTokenizers() {}

  static Path dir(String name) {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("models").resolve("tokenizers").resolve(name);
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("models/tokenizers/" + name + " not found above the cwd");
  }

  /** Loaded once per test JVM: the 11 MB files take a moment. */
  static Tokenizer get(String name) {
    return LOADED.computeIfAbsent(name, n -> Tokenizer.load(dir(n)));
  }
}
