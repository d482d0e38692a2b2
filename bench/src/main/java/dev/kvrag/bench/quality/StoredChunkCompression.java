package dev.kvrag.bench.quality;

import dev.kvrag.engine.compress.ChunkCompression;
import dev.kvrag.engine.compress.KeyNormCompression;

/**
 * bench-quality's {@code --chunk-compression}: {@code none}, {@code keynorm:F} (keep the lowest key norms),
 * {@code keynorm-high:F} (the highest) or the baseline {@code random:F}.
 */
final class StoredChunkCompression {

  private StoredChunkCompression() {}

  /** Null for {@code none}. */
  static ChunkCompression parse(String spec) {
    if (spec.equals("none")) {
      return null;
    }
    int colon = spec.indexOf(':');
    String name = colon < 0 ? spec : spec.substring(0, colon);
    double keep;
    try {
      keep = colon < 0 ? Double.NaN : Double.parseDouble(spec.substring(colon + 1));
    } catch (NumberFormatException e) {
      keep = Double.NaN;
    }
    if (Double.isNaN(keep)) {
      throw new IllegalArgumentException("--chunk-compression takes none, keynorm:F, keynorm-high:F or random:F (F "
          + "the share of tokens kept, e.g. keynorm:0.5), got '" + spec + "'");
    }
    return switch (name) {
      case "keynorm" -> new KeyNormCompression(keep, false);
      case "keynorm-high" -> new KeyNormCompression(keep, true);
      case "random" -> new RandomTokenDrop(keep);
      default -> throw new IllegalArgumentException("unknown chunk compression '" + name + "' (none, keynorm, keynorm-high, random)");
    };
  }
}
