package dev.kvrag.engine.cli;

/** A command line the CLI cannot act on: unknown option, missing or malformed value. Exit status 2. */
final class UsageException extends IllegalArgumentException {

  UsageException(String message) {
    super(message);
  }
}
