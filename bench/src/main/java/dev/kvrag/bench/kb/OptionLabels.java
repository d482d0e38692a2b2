package dev.kvrag.bench.kb;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How an enum constant is spelt on the command line: its name in lower case with dashes ({@code FOUR_KINDS} is
 * {@code four-kinds}), and the reverse, whose error lists every accepted spelling from the constants themselves.
 */
final class OptionLabels {

  private OptionLabels() {
  }

  static String of(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The constant of {@code type} spelt {@code text}; {@code what} names the option in the error. */
  static <E extends Enum<E>> E parse(Class<E> type, String text, String what) {
    E[] constants = type.getEnumConstants();
    for (E e : constants) {
      if (of(e).equals(text)) {
        return e;
      }
    }
    throw new IllegalArgumentException("unknown " + what + " '" + text + "' ("
        + Arrays.stream(constants).map(OptionLabels::of).collect(Collectors.joining(", ")) + ")");
  }
}
