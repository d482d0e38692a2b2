package dev.kvrag.engine.cli;

import dev.kvrag.engine.compute.Backend;
import dev.kvrag.engine.compute.BackendChoice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} options and {@code --flag} switches of one subcommand, checked against what the
 * subcommand accepts so a typo is an error, not a silently ignored option.
 */
final class Options {

  private final String command;
  private final Map<String, String> values = new HashMap<>();

  private Options(String command) {
    this.command = command;
  }

  static Options parse(String command, String[] args, int from, Set<String> valued, Set<String> flags) {
    Options o = new Options(command);
    for (int i = from; i < args.length; i++) {
      String a = args[i];
      if (flags.contains(a)) {
        o.values.put(a, "true");
      } else if (valued.contains(a)) {
        if (i + 1 >= args.length) {
          throw new UsageException(a + " needs a value");
        }
        o.values.put(a, args[++i]);
      } else if (a.startsWith("--")) {
        throw new UsageException("unknown option " + a + " (see ./kvrag " + command + " --help)");
      } else {
        throw new UsageException("unexpected argument '" + a + "' (see ./kvrag " + command + " --help)");
      }
    }
    return o;
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  String string(String name) {
    String v = values.get(name);
    if (v == null) {
      throw new UsageException(name + " is required");
    }
    return v;
  }

  String string(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  /** A directory that must exist. */
  Path directory(String name) {
    Path p = Path.of(string(name));
    if (!Files.isDirectory(p)) {
      throw new UsageException(name + " " + p + ": no such directory");
    }
    return p;
  }

  /**
   * The engine backend of {@code --backend auto|cpu|cuda} (else {@code kvrag.engine.backend}, else auto; see
   * {@link BackendChoice}), the CPU one with {@code threads} threads.
   */
  Backend backend(int threads) {
    return BackendChoice.open(values.get("--backend"), threads).backend();
  }

  int positiveInt(String name, int fallback) {
    if (!has(name)) {
      return fallback;
    }
    int v = integer(name);
    if (v <= 0) {
      throw new UsageException(name + " must be a positive integer, got " + v);
    }
    return v;
  }

  int integer(String name) {
    try {
      return Integer.parseInt(string(name).trim());
    } catch (NumberFormatException e) {
      throw new UsageException(name + " needs an integer, got '" + string(name) + "'");
    }
  }

  long longValue(String name, long fallback) {
    if (!has(name)) {
      return fallback;
    }
    try {
      return Long.parseLong(string(name).trim());
    } catch (NumberFormatException e) {
      throw new UsageException(name + " needs an integer, got '" + string(name) + "'");
    }
  }

  double number(String name, double fallback) {
    if (!has(name)) {
      return fallback;
    }
    try {
      return Double.parseDouble(string(name).trim());
    } catch (NumberFormatException e) {
      throw new UsageException(name + " needs a number, got '" + string(name) + "'");
    }
  }
}
