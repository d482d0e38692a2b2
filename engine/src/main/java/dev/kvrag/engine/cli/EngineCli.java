package dev.kvrag.engine.cli;

import dev.kvrag.engine.generate.ChatTemplateException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Set;

/**
 * The engine's command line, run by {@code ./kvrag SUBCOMMAND ...}: {@code tokenize}, {@code logits},
 * {@code generate}, {@code bench-engine}, {@code bench-gpu}, {@code fuse} and {@code random-model}.
 *
 * <p>Errors are one line on stderr naming the problem: exit status 2 for bad input (unknown option, missing
 * file, unsupported or malformed checkpoint, token id outside the vocabulary), 1 for internal errors. No
 * stack trace unless {@code KVRAG_DEBUG=1}.
 */
public final class EngineCli {

  static final String USAGE = """
      usage: ./kvrag COMMAND [OPTIONS]   (./kvrag COMMAND --help for its options)
        tokenize      text on stdin -> JSON array of token ids
        logits        float32 logits of every position of an id sequence -> .npy
        generate      stream a continuation of a prompt
        bench-engine  prefill / decode tokens per second and peak heap
        bench-gpu     the CUDA backend against the GPU's ceilings (prefill, decode, CacheBlend TTFT)
        fuse          logits of fusion cases (full, prefix, naive, cacheblend, ape, snapkv) -> .npy per case
        random-model  write a random-weight checkpoint (e.g. Qwen2.5-0.5B shape)""";

  private EngineCli() {
  }

  public static void main(String[] args) {
    int status = run(args, new Terminal(System.in, System.out, System.err));
    System.out.flush();
    System.exit(status);
  }

  /** Runs one subcommand; returns the exit status. */
  static int run(String[] args, Terminal term) {
    if (args.length == 0) {
      term.err().println(USAGE);
      return 2;
    }
    String command = args[0];
    boolean help = Arrays.stream(args).skip(1).anyMatch(a -> a.equals("--help") || a.equals("-h"));
    try {
      switch (command) {
        case "tokenize" -> {
          if (!usage(help, TokenizeCommand.USAGE, term)) {
            TokenizeCommand.run(args, term);
          }
        }
        case "logits" -> {
          if (!usage(help, LogitsCommand.USAGE, term)) {
            LogitsCommand.run(args, term);
          }
        }
        case "generate" -> {
          if (!usage(help, GenerateCommand.USAGE, term)) {
            GenerateCommand.run(args, term);
          }
        }
        case "bench-engine" -> {
          if (!usage(help, BenchEngineCommand.USAGE, term)) {
            BenchEngineCommand.run(args, term);
          }
        }
        case "bench-gpu" -> {
          if (!usage(help, BenchGpuCommand.USAGE, term)) {
            BenchGpuCommand.run(args, term);
          }
        }
        case "fuse" -> {
          if (!usage(help, FuseCommand.USAGE, term)) {
            FuseCommand.run(args, term);
          }
        }
        case "random-model" -> {
          if (!usage(help, RandomModelCommand.USAGE, term)) {
            RandomModelCommand.run(args, term);
          }
        }
        case "help", "--help", "-h" -> term.out().println(USAGE);
        default -> throw new UsageException("unknown command '" + command + "' (commands: tokenize, logits, generate, "
            + "bench-engine, bench-gpu, fuse, random-model)");
      }
      term.out().flush();
      return 0;
    } catch (IllegalArgumentException | UncheckedIOException | IOException | ChatTemplateException e) {
      // Bad input: our own usage/format errors, the tokenizer's and chat templates' (all IllegalArgumentException),
      // and files that cannot be read or written.
      return fail(term, command, e, message(e), 2);
    } catch (OutOfMemoryError e) {
      return fail(term, command, e, "out of memory (" + e.getMessage() + "); give the JVM more heap with -Xmx", 1);
    } catch (Throwable e) {
      return fail(term, command, e, "internal error: " + e, 1);
    }
  }

  private static boolean usage(boolean help, String text, Terminal term) {
    if (help) {
      term.out().println(text);
    }
    return help;
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    if (e instanceof UncheckedIOException u && u.getCause() != null) {
      m = m + ": " + u.getCause().getMessage();
    }
    if (m == null || m.isBlank()) {
      m = e.getClass().getSimpleName();
    }
    return m;
  }

  private static int fail(Terminal term, String command, Throwable e, String message, int status) {
    term.out().flush();
    String known = Set.of("tokenize", "logits", "generate", "bench-engine", "bench-gpu", "fuse", "random-model")
        .contains(command)
        ? "kvrag " + command + ": " : "kvrag: ";
    term.err().println(known + message.replaceAll("\\s*\\R\\s*", " ").strip());
    if ("1".equals(System.getenv("KVRAG_DEBUG"))) {
      e.printStackTrace(term.err());
    }
    term.err().flush();
    return status;
  }
}
