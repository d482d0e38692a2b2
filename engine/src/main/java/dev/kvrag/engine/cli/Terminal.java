package dev.kvrag.engine.cli;

import java.io.InputStream;
import java.io.PrintStream;

/** The streams a subcommand talks through, so tests can run the CLI in-process. */
record Terminal(InputStream in, PrintStream out, PrintStream err) {
}
