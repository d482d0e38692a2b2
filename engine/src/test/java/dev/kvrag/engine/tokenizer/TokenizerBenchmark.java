package dev.kvrag.engine.tokenizer;

import java.util.SplittableRandom;

/**
 * Prints load and encode/decode times of the real tokenizers on 100k-character texts. Run from the
 * engine module after {@code test-compile}:
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(deps) dev.kvrag.engine.tokenizer.TokenizerBenchmark
 * </pre>
 *
 * "first" is the first encode after loading (cold JIT, empty word cache), "steady" the best of five
 * later runs.
 */
public final class TokenizerBenchmark {

  private TokenizerBenchmark() {}

  public static void main(String[] args) {
    String[][] texts = {
      {"prose+code+CJK", mixed(100_000)},
      {"one 100k word", "a".repeat(50_000) + "b".repeat(50_000)},
      {"100k spaces", " ".repeat(100_000)},
      {"100k digits", "7".repeat(100_000)},
      {"100k CJK", "中文字符測試日本語".repeat(100_000 / 9 + 1).substring(0, 100_000)},
    };
    System.out.printf(
        "%-8s %-16s %9s %9s %9s %8s %10s%n",
        "model", "text", "load ms", "first ms", "steady ms", "tokens", "decode ms");
    for (String name : new String[] {"qwen3", "llama3", "llama2"}) {
      long t0 = System.nanoTime();
      Tokenizer tokenizer = Tokenizer.load(RealTokenizers.dir(name));
      double loadMs = (System.nanoTime() - t0) / 1e6;
      for (String[] text : texts) {
        long t1 = System.nanoTime();
        int[] ids = tokenizer.encode(text[1]);
        double firstMs = (System.nanoTime() - t1) / 1e6;
        double steadyMs = Double.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
          long t2 = System.nanoTime();
          ids = tokenizer.encode(text[1]);
          steadyMs = Math.min(steadyMs, (System.nanoTime() - t2) / 1e6);
        }
        long t3 = System.nanoTime();
        String decoded = tokenizer.decode(ids);
        double decodeMs = (System.nanoTime() - t3) / 1e6;
        if (decoded.isEmpty()) {
          throw new AssertionError("nothing decoded");
        }
        System.out.printf(
            "%-8s %-16s %9s %9.1f %9.1f %8d %10.1f%n",
            name,
            text[0],
            text == texts[0] ? String.format("%.0f", loadMs) : "",
            firstMs,
            steadyMs,
            ids.length,
            decodeMs);
      }
    }
  }

  /** Varied text: English prose, code, numbers, URLs, CJK, emoji, whitespace runs. */
  private static String mixed(int length) {
    String[] parts = {
      "The cache-service holds each chunk's precomputed KV cache in Redis. ",
      "for (int i = 0; i < n; ++i) { sum += a[i] * b[i]; }\n",
      "    return x ** 2  # square\n",
      "https://example.com/path?q=1&lang=en ",
      "1,000,000.00 and 3.14159265 ",
      "你好，世界！这是一个测试。",
      "👩🏽‍💻 ",
      "\n\n\t  ",
      "Dr. Smith (b. 1970) moved to Oslo in 2019 — the team behind it followed. ",
    };
    SplittableRandom random = new SplittableRandom(42);
    StringBuilder text = new StringBuilder(length + 100);
    while (text.length() < length) {
      text.append(parts[random.nextInt(parts.length)]);
    }
    return text.substring(0, length);
  }
}
