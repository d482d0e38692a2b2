package dev.kvrag.bench.kb;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Makes pronounceable fictional names from syllables, only from one split's half of the name space
 * ({@link Split#of}), never the same word twice in one knowledge base (a person may share a
 * first or last name with a near miss, but the generator reuses that word, it does not make it twice). Train and held-out names
 * are built from the same syllables, so a tokenizer trained on one split cuts the other into the
 * same kinds of pieces: the model meets new names, not new sub-words.
 */
final class NameForge {

  private static final String[] ONSETS = {"b", "br", "c", "d", "dr", "f", "fl", "g", "gr", "h", "j", "k",
      "kr", "l", "m", "n", "p", "pr", "qu", "r", "s", "sh", "sk", "st", "t", "th", "tr", "v", "w", "z"};
  private static final String[] VOWELS = {"a", "e", "i", "o", "u", "a", "e", "o", "ai", "ea", "ou", "ie"};
  private static final String[] CODAS = {"", "", "", "n", "r", "l", "s", "m", "nd", "rk", "st", "th", "x", "v"};
  private static final String[] LAST_SUFFIXES = {"", "", "", "son", "er", "ley", "man", "ick", "ell", "ov"};
  private static final String[] CITY_SUFFIXES = {"", "", "", "ford", "haven", "mouth", "dale", "wick", "port",
      "field", "by", "holm", "stead", "bridge"};
  private static final String[] SERVICE_ROLES = {"store", "cache", "gateway", "auth", "search", "index", "queue",
      "billing", "ledger", "router", "notify", "metrics", "scheduler", "registry", "profile", "payments",
      "catalog", "sync", "mailer", "feed", "export", "images", "config", "audit"};

  private final SplittableRandom rng;
  private final Split split;
  private final Set<String> used = new HashSet<>();

  NameForge(SplittableRandom rng, Split split) {
    this.rng = rng;
    this.split = split;
  }

  String firstName() {
    return fresh(() -> capitalize(word(2, rng.nextInt(2) == 0)));
  }

  String lastName() {
    return fresh(() -> capitalize(word(2, false) + pick(LAST_SUFFIXES)));
  }

  /** A new word for a team, a project or a company. */
  String codeWord() {
    return fresh(() -> capitalize(word(2, false)));
  }

  String city() {
    return fresh(() -> capitalize(word(2, false) + pick(CITY_SUFFIXES)));
  }

  /** A service name: a stem of this split and a role word shared by both splits, "quarnel-store". */
  String service() {
    return stem() + "-" + pick(SERVICE_ROLES);
  }

  /** A near miss of a service name: the same stem with another role, or another stem with the same role. */
  String serviceLike(String service) {
    int dash = service.indexOf('-');
    String stem = service.substring(0, dash);
    String role = service.substring(dash + 1);
    if (rng.nextInt(3) > 0) {
      for (int attempt = 0; attempt < 20; attempt++) {
        String other = pick(SERVICE_ROLES);
        if (!other.equals(role)) {
          return stem + "-" + other;
        }
      }
    }
    return wordLike(stem, false) + "-" + role;
  }

  /**
   * A near miss of a word: its first syllable and a new ending, "Orvane" → "Orvello". The new word
   * is of this split and unused, like every other name.
   */
  String wordLike(String word, boolean capitalized) {
    String lower = word.toLowerCase(Locale.ROOT);
    int cut = 0;
    while (cut < lower.length() && !vowel(lower.charAt(cut))) {
      cut++;
    }
    while (cut < lower.length() && vowel(lower.charAt(cut))) {
      cut++;
    }
    if (cut < lower.length()) {
      cut++;
    }
    String head = lower.substring(0, Math.min(cut, lower.length()));
    String like = fresh(() -> head + syllable(rng.nextInt(2) == 0));
    return capitalized ? capitalize(like) : like;
  }

  private String stem() {
    return fresh(() -> word(2, false));
  }

  private String fresh(Supplier<String> make) {
    for (int attempt = 0; attempt < 10_000; attempt++) {
      String w = make.get();
      if (w.length() < 4 || w.length() > 11 || Split.of(w) != split || !used.add(w.toLowerCase(Locale.ROOT))) {
        continue;
      }
      return w;
    }
    throw new IllegalStateException("the name space of split " + split + " is exhausted");
  }

  private String word(int syllables, boolean openEnd) {
    StringBuilder w = new StringBuilder();
    for (int i = 0; i < syllables; i++) {
      if (i > 0 || rng.nextInt(5) > 0) {
        w.append(pick(ONSETS));
      }
      w.append(pick(VOWELS));
      if (i == syllables - 1 && !openEnd) {
        w.append(pick(CODAS));
      }
    }
    return w.toString();
  }

  private String syllable(boolean openEnd) {
    return pick(ONSETS) + pick(VOWELS) + (openEnd ? "" : pick(CODAS));
  }

  private String pick(String[] options) {
    return options[rng.nextInt(options.length)];
  }

  private static boolean vowel(char c) {
    return "aeiouy".indexOf(c) >= 0;
  }

  private static String capitalize(String w) {
    return Character.toUpperCase(w.charAt(0)) + w.substring(1);
  }
}
