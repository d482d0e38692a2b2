package dev.kvrag.bench;

import dev.kvrag.bench.kb.KbCommand;
import dev.kvrag.bench.quality.QualityCommand;
import dev.kvrag.bench.ttft.TtftCommand;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code ./kvrag <subcommand> ...} for the benchmark programs. A subcommand is a small
 * {@link Command}; adding one is one line in {@link #COMMANDS}. Bad input ends in one line on
 * stderr naming the problem and exit status 2; an I/O failure in one line and status 1.
 */
public final class BenchCli {

  /** One subcommand. */
  public interface Command {
    /** What follows {@code ./kvrag}: "bench-kb". */
    String name();

    /** Usage lines, without the leading "kvrag ". */
    List<String> usage();

    /** @return the exit status */
    int run(List<String> args, PrintStream out) throws IOException;
  }

  /** Bad input: a message a user can act on, printed as one line. */
  public static final class UsageException extends RuntimeException {
    public UsageException(String message) {
      super(message);
    }
  }

  private static final List<Command> COMMANDS = List.of(
      new KbCommand(),
      new QualityCommand(),
      new TtftCommand());

  private BenchCli() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    Map<String, Command> byName = new LinkedHashMap<>();
    for (Command c : COMMANDS) {
      byName.put(c.name(), c);
    }
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
      PrintStream to = args.length == 0 ? err : out;
      to.println("usage:");
      for (Command c : COMMANDS) {
        c.usage().forEach(u -> to.println("  kvrag " + u));
      }
      return args.length == 0 ? 2 : 0;
    }
    Command command = byName.get(args[0]);
    if (command == null) {
      err.println("kvrag: unknown command '" + args[0] + "' (known: " + String.join(", ", byName.keySet()) + ")");
      return 2;
    }
    try {
      return command.run(List.of(args).subList(1, args.length), out);
    } catch (UsageException | IllegalArgumentException e) {
      err.println("kvrag " + command.name() + ": " + e.getMessage());
      return 2;
    } catch (IOException e) {
      err.println("kvrag " + command.name() + ": " + describe(e));
      return 1;
    } catch (UncheckedIOException e) {
      err.println("kvrag " + command.name() + ": " + describe(e.getCause()));
      return 1;
    }
  }

  private static String describe(IOException e) {
    String kind = e.getClass().getSimpleName().replace("Exception", "");
    return e.getMessage() == null ? kind : kind.isEmpty() || kind.equals("IO") ? e.getMessage()
        : e.getMessage() + " (" + kind + ")";
  }

  /**
   * {@code --name value} options and positional words. Every option takes a value; an unknown
   * option, a missing value or a malformed number is a {@link UsageException} naming it.
   */
  public static final class Flags {

    private final List<String> positional = new ArrayList<>();
    private final Map<String, String> values = new HashMap<>();

    private Flags() {}

    public static Flags parse(List<String> args, Set<String> known) {
      Flags f = new Flags();
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        if (!a.startsWith("--")) {
          f.positional.add(a);
          continue;
        }
        String name = a.substring(2);
        String value = null;
        int eq = name.indexOf('=');
        if (eq >= 0) {
          value = name.substring(eq + 1);
          name = name.substring(0, eq);
        }
        if (!known.contains(name)) {
          throw new UsageException("unknown option --" + name + " (known: "
              + String.join(", ", new TreeSet<>(known).stream().map(k -> "--" + k).toList()) + ")");
        }
        if (value == null) {
          if (i + 1 == args.size()) {
            throw new UsageException("option --" + name + " needs a value");
          }
          value = args.get(++i);
        }
        if (f.values.put(name, value) != null) {
          throw new UsageException("option --" + name + " is given twice");
        }
      }
      return f;
    }

    public List<String> positional() {
      return List.copyOf(positional);
    }

    public boolean has(String name) {
      return values.containsKey(name);
    }

    public String string(String name) {
      String v = values.get(name);
      if (v == null) {
        throw new UsageException("missing option --" + name);
      }
      return v;
    }

    public String string(String name, String fallback) {
      return values.getOrDefault(name, fallback);
    }

    public long longValue(String name) {
      return parseLong(name, string(name));
    }

    public int intValue(String name, int fallback, int min) {
      if (!has(name)) {
        return fallback;
      }
      long v = parseLong(name, string(name));
      if (v < min || v > Integer.MAX_VALUE) {
        throw new UsageException("option --" + name + " must be between " + min + " and " + Integer.MAX_VALUE
            + ", got " + v);
      }
      return (int) v;
    }

    public int intValue(String name, int min) {
      string(name);
      return intValue(name, 0, min);
    }

    private static long parseLong(String name, String value) {
      try {
        return Long.parseLong(value.replace("_", ""));
      } catch (NumberFormatException e) {
        throw new UsageException("option --" + name + " must be a whole number, got '" + value + "'");
      }
    }

    @Override
    public String toString() {
      return "Flags" + values + Arrays.toString(positional.toArray());
    }
  }
}
