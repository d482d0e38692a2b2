package dev.kvrag.engine.tokenizer.bpe;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The BPE model of a tokenizer.json ({@code "model": {"type": "BPE"}}): turns one pre-tokenized
 * word into token ids by starting from its characters and applying merges by rank (HF's {@code
 * BPE::tokenize}).
 *
 * <p>Unknown characters become their {@code <0xAB>} byte tokens when {@code byte_fallback} is on
 * (Llama-2, Mistral), else the unk token (fused runs become one), else they are dropped, as in HF.
 * With {@code ignore_merges} (Llama-3) a word that is itself in the vocabulary is taken whole.
 * Thread-safe; merged words are cached like HF does (words under 256 characters, 10,000 entries).
 */
public final class BpeModel {

  private static final int CACHE_CAPACITY = 10_000;
  private static final int CACHE_MAX_WORD_LENGTH = 256;

  private final Map<String, Integer> vocab;
  private final String[] tokenOfId;
  private final MergeTable merges;
  private final int unkId;
  private final boolean fuseUnk;
  private final boolean byteFallback;
  private final boolean ignoreMerges;
  private final String subwordPrefix;
  private final String wordSuffix;

  /** Id of each single BMP character, -1 if absent; used when no prefix/suffix decorates it. */
  private final int[] charIds;

  private final int[] byteIds;
  private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

  /** The model's settings as tokenizer.json spells them; null strings mean "not set". */
  public record Options(
      String unkToken,
      String continuingSubwordPrefix,
      String endOfWordSuffix,
      boolean fuseUnk,
      boolean byteFallback,
      boolean ignoreMerges) {}

  /**
   * @param vocab token → id
   * @param merges the merge rules in rank order, each a (left, right) pair of tokens
   */
  public BpeModel(Map<String, Integer> vocab, List<String[]> merges, Options options) {
    this.vocab = vocab;
    int maxId = -1;
    for (int id : vocab.values()) {
      if (id < 0) {
        throw new IllegalArgumentException("BPE vocabulary has a negative id " + id);
      }
      maxId = Math.max(maxId, id);
    }
    tokenOfId = new String[maxId + 1];
    vocab.forEach((token, id) -> tokenOfId[id] = token);

    subwordPrefix = emptyToNull(options.continuingSubwordPrefix());
    wordSuffix = emptyToNull(options.endOfWordSuffix());
    fuseUnk = options.fuseUnk();
    byteFallback = options.byteFallback();
    ignoreMerges = options.ignoreMerges();
    if (options.unkToken() != null) {
      Integer id = vocab.get(options.unkToken());
      if (id == null) {
        throw new IllegalArgumentException(
            "BPE unk_token '" + options.unkToken() + "' is not in the vocabulary");
      }
      unkId = id;
    } else {
      unkId = -1;
    }

    this.merges = new MergeTable(merges.size());
    int prefixLength = subwordPrefix == null ? 0 : subwordPrefix.length();
    for (int rank = 0; rank < merges.size(); rank++) {
      String left = merges.get(rank)[0];
      String right = merges.get(rank)[1];
      int leftId = requireToken(left, rank);
      int rightId = requireToken(right, rank);
      if (right.length() < prefixLength) {
        throw new IllegalArgumentException(
            "BPE merge " + rank + " ('" + left + "', '" + right + "') lacks the subword prefix");
      }
      int mergedId = requireToken(left + right.substring(prefixLength), rank);
      this.merges.put(leftId, rightId, rank, mergedId);
    }

    charIds = new int[Character.MAX_VALUE + 1];
    Arrays.fill(charIds, -1);
    vocab.forEach(
        (token, id) -> {
          if (token.length() == 1) {
            charIds[token.charAt(0)] = id;
          }
        });
    byteIds = new int[256];
    for (int b = 0; b < 256; b++) {
      Integer id = vocab.get(String.format("<0x%02X>", b));
      byteIds[b] = id == null ? -1 : id;
    }
  }

  /** The ids of one word; never empty for a non-empty word unless characters are dropped. */
  public int[] tokenize(String word) {
    if (word.isEmpty()) {
      return new int[0];
    }
    if (ignoreMerges) {
      Integer whole = vocab.get(word);
      if (whole != null) {
        return new int[] {whole};
      }
    }
    int[] cached = cache.get(word);
    if (cached != null) {
      return cached.clone();
    }
    int[] ids = mergeWord(word);
    if (word.length() < CACHE_MAX_WORD_LENGTH && cache.size() < CACHE_CAPACITY) {
      cache.put(word, ids.clone());
    }
    return ids;
  }

  /** Id of a vocabulary token, or -1. */
  public int id(String token) {
    Integer id = vocab.get(token);
    return id == null ? -1 : id;
  }

  /** The token with this id, or null. */
  public String token(int id) {
    return id >= 0 && id < tokenOfId.length ? tokenOfId[id] : null;
  }

  /** The largest id in the vocabulary. */
  public int maxId() {
    return tokenOfId.length - 1;
  }

  private int[] mergeWord(String word) {
    int[] symbols = new int[word.length() + 8];
    int count = 0;
    int pendingUnk = -1;
    boolean decorated = subwordPrefix != null || wordSuffix != null;
    for (int i = 0; i < word.length(); ) {
      int cp = word.codePointAt(i);
      int end = i + Character.charCount(cp);
      int id;
      String symbol = null;
      if (!decorated && cp <= Character.MAX_VALUE) {
        id = charIds[cp];
      } else {
        symbol = decorate(word.substring(i, end), i == 0, end == word.length());
        Integer found = vocab.get(symbol);
        id = found == null ? -1 : found;
      }
      i = end;
      if (id >= 0) {
        if (pendingUnk >= 0) {
          symbols = append(symbols, count++, pendingUnk);
          pendingUnk = -1;
        }
        symbols = append(symbols, count++, id);
        continue;
      }
      if (byteFallback) {
        if (symbol == null) {
          symbol = Character.toString(cp);
        }
        byte[] bytes = symbol.getBytes(StandardCharsets.UTF_8);
        boolean allKnown = true;
        for (byte b : bytes) {
          allKnown &= byteIds[b & 0xFF] >= 0;
        }
        if (allKnown) {
          // As in HF, a pending unk is not flushed here; it follows at the next known character.
          for (byte b : bytes) {
            symbols = append(symbols, count++, byteIds[b & 0xFF]);
          }
          continue;
        }
      }
      if (unkId >= 0) {
        if (pendingUnk >= 0 && !fuseUnk) {
          symbols = append(symbols, count++, pendingUnk);
        }
        pendingUnk = unkId;
      }
    }
    if (pendingUnk >= 0) {
      symbols = append(symbols, count++, pendingUnk);
    }
    return WordMerge.merge(symbols, count, merges);
  }

  private String decorate(String character, boolean first, boolean last) {
    String symbol = character;
    if (!first && subwordPrefix != null) {
      symbol = subwordPrefix + symbol;
    }
    if (last && wordSuffix != null) {
      symbol = symbol + wordSuffix;
    }
    return symbol;
  }

  private int requireToken(String token, int rank) {
    Integer id = vocab.get(token);
    if (id == null) {
      throw new IllegalArgumentException(
          "BPE merge " + rank + " uses '" + token + "', which is not in the vocabulary");
    }
    return id;
  }

  private static int[] append(int[] symbols, int at, int id) {
    if (at == symbols.length) {
      symbols = Arrays.copyOf(symbols, symbols.length * 2);
    }
    symbols[at] = id;
    return symbols;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
