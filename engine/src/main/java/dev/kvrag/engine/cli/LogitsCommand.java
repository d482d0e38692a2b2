package dev.kvrag.engine.cli;

import dev.kvrag.engine.compute.Activations;
import dev.kvrag.engine.compute.AttentionRule;
import dev.kvrag.engine.compute.Backend;
import dev.kvrag.engine.kv.KvCache;
import dev.kvrag.engine.model.Transformer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code logits --model DIR (--ids 5,17,42 | --ids-file F) --out FILE.npy}: one prefill over the ids (positions
 * 0..n-1), float32 logits of every position written as an {@code [n, vocab]} .npy, computed and written in
 * row blocks so a large vocabulary never needs all rows in memory at once.
 */
final class LogitsCommand {

  static final String USAGE = """
      usage: ./kvrag logits --model DIR (--ids 5,17,42 | --ids-file F) --out FILE.npy [--threads N]
                            [--backend auto|cpu|cuda]
        writes float32 logits of every position, shape [n, vocab], as a NumPy .npy file
        an ids file holds integers separated by commas and/or whitespace""";

  /** Logit values per output block. */
  private static final int BLOCK_VALUES = 1 << 24;

  private LogitsCommand() {
  }

  static void run(String[] args, Terminal term) throws IOException {
    Options o = Options.parse("logits", args, 1, Set.of("--model", "--ids", "--ids-file", "--out", "--threads",
        "--backend"),
        Set.of());
    Path dir = o.directory("--model");
    int[] ids = TokenIds.from(o);
    Path out = Path.of(o.string("--out"));
    int threads = o.positiveInt("--threads", Runtime.getRuntime().availableProcessors());
    try (Backend backend = o.backend(threads); Transformer model = Transformer.load(dir, backend)) {
      int vocab = model.config().vocabSize();
      for (int id : ids) {
        if (id >= vocab) {
          throw new UsageException("token id " + id + " is outside the vocabulary [0, " + vocab + ") of " + dir);
        }
      }
      int n = ids.length;
      int[] positions = new int[n];
      for (int t = 0; t < n; t++) {
        positions[t] = t;
      }
      KvCache cache = model.newCache(n);
      Activations hidden = model.forward(ids, positions, positions, cache, AttentionRule.causal());
      int block = Math.max(1, BLOCK_VALUES / vocab);
      try (NpyWriter npy = new NpyWriter(out, n, vocab)) {
        for (int from = 0; from < n; from += block) {
          int count = Math.min(block, n - from);
          npy.write(model.logits(hidden, from, count), count * vocab);
        }
      }
    }
  }
}
