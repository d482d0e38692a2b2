package dev.kvrag.engine.generate;

import java.util.List;

/**
 * Finds stop strings in streamed text, across token boundaries, without ever releasing text that a
 * stop string could still swallow.
 *
 * <p>After each push it holds back the longest tail of the text that is a proper prefix of some stop
 * string. Any later occurrence therefore starts inside the held-back tail (were it to start earlier,
 * a longer tail would have been a prefix), so released text never contains any part of a stop
 * string that completes.
 */
final class StopStringMatcher {

  private final List<String> stops;
  private final int longestStop;
  private final StringBuilder held = new StringBuilder();
  private boolean stopped;

  StopStringMatcher(List<String> stops) {
    this.stops = List.copyOf(stops);
    this.longestStop = stops.stream().mapToInt(String::length).max().orElse(0);
  }

  /** Adds newly decoded text; returns the text that is now safe to release (possibly empty). */
  String push(String text) {
    if (stopped) {
      throw new IllegalStateException("a stop string already matched");
    }
    if (stops.isEmpty()) {
      return text;
    }
    held.append(text);
    int earliest = -1;
    for (String stop : stops) {
      int at = held.indexOf(stop);
      if (at >= 0 && (earliest < 0 || at < earliest)) {
        earliest = at;
      }
    }
    if (earliest >= 0) {
      stopped = true;
      String released = held.substring(0, earliest);
      held.setLength(0);
      return released;
    }
    int keep = longestTailThatStartsAStop();
    String released = held.substring(0, held.length() - keep);
    held.delete(0, held.length() - keep);
    return released;
  }

  /** True once a stop string has completed; the text from it on is dropped. */
  boolean stopped() {
    return stopped;
  }

  /** At the end of generation: the held-back tail, which no stop string completed. */
  String flush() {
    String rest = held.toString();
    held.setLength(0);
    return rest;
  }

  private int longestTailThatStartsAStop() {
    for (int length = Math.min(held.length(), longestStop - 1); length > 0; length--) {
      int from = held.length() - length;
      for (String stop : stops) {
        if (regionIsPrefix(from, length, stop)) {
          return length;
        }
      }
    }
    return 0;
  }

  private boolean regionIsPrefix(int from, int length, String stop) {
    if (stop.length() <= length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (held.charAt(from + i) != stop.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
