package dev.kvrag.engine.fusion;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The named fusion modes and their parameters: the one place that turns {@code cacheblend:ratio=0.15} (command
 * lines, benchmark specs) or a name plus a parameter map (JSON) into a {@link FusionStrategy}. Unknown modes and
 * unknown parameters are errors that name them.
 *
 * <pre>
 *   full
 *   prefix
 *   naive
 *   cacheblend  ratio (0.15), check_layer (1), gradual (the check layer's share; off: = ratio)
 *   ape         temperature | t (0.9), scale | s (0.9)
 * </pre>
 */
public final class FusionModes {

  public static final List<String> NAMES = List.of("full", "prefix", "naive", "cacheblend", "ape");

  private static final Map<String, Set<String>> PARAMETERS = Map.of(
      "full", Set.of(),
      "prefix", Set.of(),
      "naive", Set.of(),
      "cacheblend", Set.of("ratio", "check_layer", "gradual"),
      "ape", Set.of("temperature", "t", "scale", "s"));

  private FusionModes() {
  }

  /** {@code name[:key=value,...]}, e.g. {@code cacheblend:ratio=0.15,check_layer=1} or {@code ape:t=0.5,s=0.9}. */
  public static FusionStrategy parse(String spec) {
    String s = spec.strip();
    int colon = s.indexOf(':');
    String name = colon < 0 ? s : s.substring(0, colon).strip();
    Map<String, Double> params = new LinkedHashMap<>();
    if (colon >= 0 && !s.substring(colon + 1).isBlank()) {
      for (String pair : s.substring(colon + 1).split(",")) {
        int eq = pair.indexOf('=');
        if (eq < 0) {
          throw new IllegalArgumentException("fusion mode '" + spec + "': parameter '" + pair.strip()
              + "' needs a value (key=value)");
        }
        String key = pair.substring(0, eq).strip();
        String value = pair.substring(eq + 1).strip();
        try {
          params.put(key, Double.parseDouble(value));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("fusion mode '" + spec + "': parameter " + key + " needs a number, got '"
              + value + "'");
        }
      }
    }
    return create(name, params);
  }

  /** The mode {@code name} with {@code params} (absent ones take their defaults). */
  public static FusionStrategy create(String name, Map<String, Double> params) {
    requireKnown(name, params.keySet());
    return switch (name) {
      case "full" -> new Full();
      case "prefix" -> new PrefixReuse();
      case "naive" -> new Naive();
      case "cacheblend" -> {
        double ratio = params.getOrDefault("ratio", CacheBlend.DEFAULT_RATIO);
        yield new CacheBlend(ratio, integer(name, "check_layer", params.getOrDefault("check_layer",
            (double) CacheBlend.DEFAULT_CHECK_LAYER)), params.getOrDefault("gradual", ratio));
      }
      case "ape" -> new Ape(either(name, params, "temperature", "t", Ape.DEFAULT_TEMPERATURE),
          either(name, params, "scale", "s", Ape.DEFAULT_SCALE));
      default -> throw new IllegalStateException(name);
    };
  }

  /** Refuses an unknown mode or a parameter the mode does not take, naming it. */
  public static void requireKnown(String name, Collection<String> parameters) {
    Set<String> known = PARAMETERS.get(name);
    if (known == null) {
      throw new IllegalArgumentException("unknown fusion mode '" + name + "' (modes: " + String.join(", ", NAMES)
          + ")");
    }
    for (String key : parameters) {
      if (!known.contains(key)) {
        throw new IllegalArgumentException("unknown " + name + " parameter '" + key + "' ("
            + (known.isEmpty() ? name + " takes none" : "parameters: " + String.join(", ", known.stream().sorted()
            .toList())) + ")");
      }
    }
  }

  static void requireChunks(String mode, int chunkCount) {
    if (chunkCount == 0) {
      throw new IllegalArgumentException("mode " + mode + " needs at least one chunk");
    }
  }

  private static int integer(String mode, String key, double value) {
    if (value != Math.rint(value) || Math.abs(value) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(mode + " " + key + " must be an integer, got " + value);
    }
    return (int) value;
  }

  private static double either(String mode, Map<String, Double> params, String key, String alias, double fallback) {
    if (params.containsKey(key) && params.containsKey(alias)) {
      throw new IllegalArgumentException(mode + " takes " + key + " or " + alias + ", not both");
    }
    return params.getOrDefault(key, params.getOrDefault(alias, fallback));
  }
}
