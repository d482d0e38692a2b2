package dev.kvrag.engine.tokenizer.added;

import dev.kvrag.engine.tokenizer.Unicode;
import dev.kvrag.engine.tokenizer.normalizer.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds added tokens in text the way HF's {@code AddedVocabulary} does: a leftmost-longest scan
 * for the non-normalized tokens over the raw text first, then for the normalized ones over each
 * normalized stretch in between. Special tokens written in the text thus become their ids instead
 * of being split into pieces.
 */
public final class AddedVocabulary {

  /** A stretch {@code [start, end)} of the scanned text; {@code tokenId} -1 if plain text. */
  public record Segment(int start, int end, int tokenId) {
    public boolean isToken() {
      return tokenId >= 0;
    }
  }

  private final Map<Integer, AddedToken> byId = new HashMap<>();
  private final Map<String, Integer> idOfContent = new HashMap<>();
  private final Set<String> specialContents = new HashSet<>();
  private final Trie rawTrie;
  private final Trie normalizedTrie;

  /** Tokens in tokenizer.json order; normalized ones are matched as {@code normalizer} spells them. */
  public AddedVocabulary(List<AddedToken> tokens, Normalizer normalizer) {
    List<AddedToken> matchable = new ArrayList<>();
    for (AddedToken token : tokens) {
      if (token.content().isEmpty()) {
        continue;
      }
      byId.put(token.id(), token);
      idOfContent.put(token.content(), token.id());
      if (token.special()) {
        specialContents.add(token.content());
      }
      matchable.add(token);
    }
    // HF builds its automata from the special tokens first, then the others.
    List<AddedToken> ordered = new ArrayList<>();
    matchable.stream().filter(AddedToken::special).forEach(ordered::add);
    matchable.stream().filter(t -> !t.special()).forEach(ordered::add);
    rawTrie = new Trie();
    normalizedTrie = new Trie();
    for (AddedToken token : ordered) {
      if (token.normalized()) {
        normalizedTrie.add(normalizer.normalize(token.content()), token);
      } else {
        rawTrie.add(token.content(), token);
      }
    }
  }

  /** Splits raw text at the non-normalized added tokens. */
  public List<Segment> splitRaw(String text) {
    return split(text, rawTrie);
  }

  /** Splits normalized text at the normalized added tokens. */
  public List<Segment> splitNormalized(String normalizedText) {
    return split(normalizedText, normalizedTrie);
  }

  public int id(String content) {
    Integer id = idOfContent.get(content);
    return id == null ? -1 : id;
  }

  /** The content of the added token with this id, or null. */
  public String content(int id) {
    AddedToken token = byId.get(id);
    return token == null ? null : token.content();
  }

  public boolean isSpecial(String content) {
    return specialContents.contains(content);
  }

  public int maxId() {
    return byId.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1);
  }

  /** HF's {@code find_matches}, offsets in UTF-16 units instead of bytes. */
  private static List<Segment> split(String text, Trie trie) {
    List<Segment> segments = new ArrayList<>();
    if (trie.isEmpty()) {
      segments.add(new Segment(0, text.length(), -1));
      return segments;
    }
    int startOffset = 0;
    int from = 0;
    while (from < text.length()) {
      long match = trie.leftmostLongest(text, from);
      if (match < 0) {
        break;
      }
      int start = (int) (match >>> 32);
      int stop = (int) match;
      from = stop;
      AddedToken token = trie.tokenAt(text, start, stop);
      if (token.singleWord()) {
        boolean startSpace = start == 0 || !Unicode.isWordCharacter(text.codePointBefore(start));
        boolean stopSpace =
            stop == text.length() || !Unicode.isWordCharacter(text.codePointAt(stop));
        if (!startSpace || !stopSpace) {
          continue;
        }
      }
      if (token.lstrip()) {
        int newStart = start;
        while (newStart > 0 && Unicode.isWhiteSpace(text.codePointBefore(newStart))) {
          newStart -= Character.charCount(text.codePointBefore(newStart));
        }
        start = Math.max(newStart, startOffset);
      }
      if (token.rstrip()) {
        while (stop < text.length() && Unicode.isWhiteSpace(text.codePointAt(stop))) {
          stop += Character.charCount(text.codePointAt(stop));
        }
      }
      if (startOffset < start) {
        segments.add(new Segment(startOffset, start, -1));
      }
      segments.add(new Segment(start, stop, token.id()));
      startOffset = stop;
    }
    if (startOffset != text.length()) {
      segments.add(new Segment(startOffset, text.length(), -1));
    }
    return segments;
  }

  /** A character trie over the token spellings; the first token added wins a duplicate spelling. */
  private static final class Trie {
    private final Node root = new Node();
    private int size;

    private static final class Node {
      final Map<Character, Node> children = new HashMap<>(4);
      AddedToken token;
    }

    void add(String spelling, AddedToken token) {
      if (spelling.isEmpty()) {
        return;
      }
      Node node = root;
      for (int i = 0; i < spelling.length(); i++) {
        node = node.children.computeIfAbsent(spelling.charAt(i), c -> new Node());
      }
      if (node.token == null) {
        node.token = token;
        size++;
      }
    }

    boolean isEmpty() {
      return size == 0;
    }

    /** (start << 32 | end) of the leftmost-longest match at or after {@code from}, or -1. */
    long leftmostLongest(String text, int from) {
      for (int start = from; start < text.length(); start++) {
        Node node = root;
        int end = -1;
        for (int i = start; i < text.length(); i++) {
          node = node.children.get(text.charAt(i));
          if (node == null) {
            break;
          }
          if (node.token != null) {
            end = i + 1;
          }
        }
        if (end >= 0) {
          return ((long) start << 32) | end;
        }
      }
      return -1;
    }

    AddedToken tokenAt(String text, int start, int end) {
      Node node = root;
      for (int i = start; i < end; i++) {
        node = node.children.get(text.charAt(i));
      }
      return node.token;
    }
  }
}
