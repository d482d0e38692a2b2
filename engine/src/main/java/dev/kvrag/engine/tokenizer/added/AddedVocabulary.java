package dev.kvrag.engine.tokenizer.added;

import dev.kvrag.engine.tokenizer.Unicode;
import dev.kvrag.engine.tokenizer.normalizer.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Finds added tokens in text the way HF's {@code AddedVocabulary} does: a leftmost-longest scan for
 * the non-normalized tokens over the raw text first, then for the normalized ones over each
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

  /**
   * Registers the tokens of tokenizer.json's {@code added_tokens}, in file order, the way HF's
   * deserializer does: through {@code add_tokens}, which ignores the file's ids. A token whose
   * content is already known keeps that id (an earlier added token's, else the model's), any other
   * gets the next free id after the model's vocabulary. Files HF wrote always agree; a hand-edited
   * one that does not gets HF's ids and a warning, as in HF.
   *
   * @param modelId the model's id of a token, or -1
   * @param modelVocabSize the number of entries in the model's vocabulary
   * @param normalizer spells the normalized tokens as they are matched
   */
  public AddedVocabulary(
      List<AddedToken> tokens,
      ToIntFunction<String> modelId,
      int modelVocabSize,
      Normalizer normalizer) {
    List<AddedToken> specialOrder = new ArrayList<>();
    List<AddedToken> plainOrder = new ArrayList<>();
    Set<AddedToken> registered = new HashSet<>();
    for (AddedToken fromFile : tokens) {
      if (fromFile.content().isEmpty()) {
        continue;
      }
      if (fromFile.special() && specialContents.add(fromFile.content())) {
        specialOrder.add(fromFile);
      }
      if (!registered.add(withId(fromFile, 0))) {
        continue; // the same token twice: HF ignores the repetition
      }
      Integer known = idOfContent.get(fromFile.content());
      int id = known != null ? known : modelId.applyAsInt(fromFile.content());
      if (id < 0) {
        int maxAdded = idOfContent.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
        id =
            maxAdded >= 0 && (maxAdded >= modelVocabSize || modelVocabSize == 0)
                ? maxAdded + 1
                : modelVocabSize;
      }
      if (id != fromFile.id()) {
        System.getLogger(AddedVocabulary.class.getName())
            .log(
                System.Logger.Level.WARNING,
                "added token ''{0}'' is listed with id {1} but gets id {2}, as in HF tokenizers",
                fromFile.content(),
                String.valueOf(fromFile.id()),
                String.valueOf(id));
      }
      AddedToken token = withId(fromFile, id);
      idOfContent.put(token.content(), id);
      byId.put(id, token);
      if (!specialContents.contains(token.content())) {
        plainOrder.add(token);
      }
    }
    // HF builds its automata from the special tokens first, then the others.
    rawTrie = new Trie();
    normalizedTrie = new Trie();
    List<AddedToken> ordered = new ArrayList<>(specialOrder);
    ordered.addAll(plainOrder);
    for (AddedToken token : ordered) {
      int id = idOfContent.get(token.content());
      if (token.normalized()) {
        normalizedTrie.add(normalizer.normalize(token.content()), id);
      } else {
        rawTrie.add(token.content(), id);
      }
    }
  }

  private static AddedToken withId(AddedToken t, int id) {
    return new AddedToken(
        id, t.content(), t.singleWord(), t.lstrip(), t.rstrip(), t.normalized(), t.special());
  }

  /**
   * Splits raw text at the non-normalized added tokens.
   *
   * @param specialsAsText when true a special token written in the text is left as text (HF's
   *     {@code encode_special_tokens}: the match is skipped, not replaced by a shorter one)
   */
  public List<Segment> splitRaw(String text, boolean specialsAsText) {
    return split(text, rawTrie, specialsAsText);
  }

  /** Splits normalized text at the normalized added tokens; see {@link #splitRaw}. */
  public List<Segment> splitNormalized(String normalizedText, boolean specialsAsText) {
    return split(normalizedText, normalizedTrie, specialsAsText);
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

  /**
   * HF's {@code find_matches}, offsets in UTF-16 units instead of bytes. The flags come from the
   * token registered last under the matched id, as in HF.
   */
  private List<Segment> split(String text, Trie trie, boolean specialsAsText) {
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
      AddedToken token = byId.get(trie.idAt(text, start, stop));
      if (specialsAsText && specialContents.contains(token.content())) {
        continue;
      }
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

  /**
   * A character trie from token spellings to ids; the first token added wins a duplicate spelling.
   */
  private static final class Trie {
    private final Node root = new Node();
    private int size;

    private static final class Node {
      final Map<Character, Node> children = new HashMap<>(4);
      int id = -1;
    }

    void add(String spelling, int id) {
      if (spelling.isEmpty()) {
        return;
      }
      Node node = root;
      for (int i = 0; i < spelling.length(); i++) {
        node = node.children.computeIfAbsent(spelling.charAt(i), c -> new Node());
      }
      if (node.id < 0) {
        node.id = id;
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
          if (node.id >= 0) {
            end = i + 1;
          }
        }
        if (end >= 0) {
          return ((long) start << 32) | end;
        }
      }
      return -1;
    }

    int idAt(String text, int start, int end) {
      Node node = root;
      for (int i = start; i < end; i++) {
        node = node.children.get(text.charAt(i));
      }
      return node.id;
    }
  }
}
