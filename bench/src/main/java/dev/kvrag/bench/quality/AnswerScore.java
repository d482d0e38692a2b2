package dev.kvrag.bench.quality;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Exact match and token F1 of a short answer, after the normalisation the training script's evaluation uses
 * (bench/demo-model/train.py {@code normalize}): trim, strip surrounding full stops, lower case, collapse white
 * space. F1 is SQuAD's: the harmonic mean of precision and recall over the multiset of words.
 */
public final class AnswerScore {

  private AnswerScore() {}

  public static String normalize(String answer) {
    String s = answer.strip();
    int from = 0;
    int to = s.length();
    while (from < to && s.charAt(from) == '.') {
      from++;
    }
    while (to > from && s.charAt(to - 1) == '.') {
      to--;
    }
    return String.join(" ", words(s.substring(from, to).toLowerCase(Locale.ROOT)));
  }

  public static boolean exactMatch(String predicted, String gold) {
    return normalize(predicted).equals(normalize(gold));
  }

  public static double f1(String predicted, String gold) {
    List<String> p = words(normalize(predicted));
    List<String> g = words(normalize(gold));
    if (p.isEmpty() || g.isEmpty()) {
      return p.equals(g) ? 1 : 0;
    }
    Map<String, Integer> counts = new HashMap<>();
    g.forEach(w -> counts.merge(w, 1, Integer::sum));
    int common = 0;
    for (String w : p) {
      Integer c = counts.get(w);
      if (c != null && c > 0) {
        common++;
        counts.put(w, c - 1);
      }
    }
    if (common == 0) {
      return 0;
    }
    double precision = (double) common / p.size();
    double recall = (double) common / g.size();
    return 2 * precision * recall / (precision + recall);
  }

  private static List<String> words(String s) {
    return new ArrayList<>(Arrays.stream(s.strip().split("\\s+")).filter(w -> !w.isEmpty()).toList());
  }
}
