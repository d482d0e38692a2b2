package dev.kvrag.engine.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/** Token ids written by people and scripts: integers separated by commas and/or whitespace. */
final class TokenIds {

  private TokenIds() {
  }

  static int[] parse(String text, String source) {
    String[] parts = text.strip().split("[,\\s]+");
    if (parts.length == 1 && parts[0].isEmpty()) {
      throw new UsageException(source + " holds no token ids");
    }
    int[] ids = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        ids[i] = Integer.parseInt(parts[i]);
      } catch (NumberFormatException e) {
        throw new UsageException(source + ": '" + parts[i] + "' is not a token id (integers separated by commas "
            + "or whitespace)");
      }
      if (ids[i] < 0) {
        throw new UsageException(source + ": token id " + ids[i] + " is negative");
      }
    }
    return ids;
  }

  static int[] read(Path file) {
    try {
      return parse(Files.readString(file), file.toString());
    } catch (NoSuchFileException e) {
      throw new UsageException("ids file " + file + " does not exist");
    } catch (IOException e) {
      throw new UsageException("cannot read ids file " + file + ": " + e.getMessage());
    }
  }

  /** The ids from {@code --ids} or {@code --ids-file}, exactly one of which must be given. */
  static int[] from(Options o) {
    if (o.has("--ids") == o.has("--ids-file")) {
      throw new UsageException("give exactly one of --ids 5,17,42 and --ids-file F");
    }
    return o.has("--ids") ? parse(o.string("--ids"), "--ids") : read(Path.of(o.string("--ids-file")));
  }

  static String json(int[] ids) {
    return Arrays.toString(ids).replace(" ", "");
  }
}
