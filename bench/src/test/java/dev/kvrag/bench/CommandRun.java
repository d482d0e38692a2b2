package dev.kvrag.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** What a command-line entry point returned and printed, for tests: its exit status, stdout and stderr. */
public record CommandRun(int status, String out, String err) {

  /** An entry point that writes to the two streams it is given and returns its exit status. */
  @FunctionalInterface
  public interface EntryPoint {
    int run(PrintStream out, PrintStream err) throws IOException;
  }

  /** Runs {@code command} with both streams captured (UTF-8). */
  public static CommandRun of(EntryPoint command) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = command.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new CommandRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** {@code ./kvrag} with these arguments (a bench command and its options), through {@link BenchCli#run}. */
  public static CommandRun bench(String... args) {
    try {
      return of((out, err) -> BenchCli.run(args, out, err));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
