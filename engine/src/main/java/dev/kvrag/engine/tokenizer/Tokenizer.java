package dev.kvrag.engine.tokenizer;

import dev.kvrag.engine.tokenizer.added.AddedVocabulary;
import dev.kvrag.engine.tokenizer.added.AddedVocabulary.Segment;
import dev.kvrag.engine.tokenizer.bpe.BpeModel;
import dev.kvrag.engine.tokenizer.decoder.Decoder;
import dev.kvrag.engine.tokenizer.normalizer.Normalizer;
import dev.kvrag.engine.tokenizer.pretokenizer.Piece;
import dev.kvrag.engine.tokenizer.pretokenizer.PreTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * A Hugging Face tokenizer.json, giving the ids HF {@code tokenizers} gives, for byte-level BPE
 * (Llama-3, Qwen2/3) and SentencePiece-style BPE with byte fallback (Llama-2, Mistral).
 *
 * <p>Encoding follows HF's pipeline: added tokens are cut out of the raw text first, each stretch
 * between them is normalized, cut into words by the pre-tokenizer, and each word is merged by the
 * BPE model. It never adds BOS/EOS; {@link #encodeWithBos} does when the config asks for it.
 * Decoding maps ids to token strings and runs the decoder chain over all of them. Immutable and
 * thread-safe.
 */
public final class Tokenizer {

  private final Normalizer normalizer;
  private final PreTokenizer preTokenizer;
  private final BpeModel model;
  private final AddedVocabulary added;
  private final Decoder decoder;
  private final TokenizerConfig config;
  private final OptionalInt bosId;
  private final int[] eosIds;
  private final int vocabSize;

  private Tokenizer(TokenizerDirectory files) {
    TokenizerJson json = files.tokenizer();
    if (!"BPE".equals(json.modelType())) {
      throw new IllegalArgumentException(
          json.modelType() == null
              ? "tokenizer.json model has no \"type\" (only BPE is supported)"
              : "unsupported tokenizer.json model type '"
                  + json.modelType()
                  + "' (only BPE is supported)");
    }
    if (json.vocab() == null) {
      throw new IllegalArgumentException("tokenizer.json BPE model has no \"vocab\"");
    }
    normalizer = Normalizer.fromJson(json.normalizer());
    preTokenizer = PreTokenizer.fromJson(json.preTokenizer());
    decoder = Decoder.fromJson(json.decoder());
    model =
        new BpeModel(
            json.vocab(), json.merges() == null ? List.of() : json.merges(), json.bpeOptions());
    added = new AddedVocabulary(json.addedTokens(), model::id, json.vocab().size(), normalizer);
    vocabSize = Math.max(model.maxId(), added.maxId()) + 1;

    config = TokenizerConfig.from(files.tokenizerConfig(), json.postProcessor());
    if (config.bosToken() != null) {
      bosId = OptionalInt.of(requireId(config.bosToken(), "bos_token of tokenizer_config.json"));
    } else {
      bosId = firstId(files.generationConfig(), files.modelConfig(), "bos_token_id");
    }
    Set<Integer> eos = new LinkedHashSet<>();
    if (config.eosToken() != null) {
      eos.add(requireId(config.eosToken(), "eos_token of tokenizer_config.json"));
    }
    addIds(files.generationConfig(), "eos_token_id", eos);
    addIds(files.modelConfig(), "eos_token_id", eos);
    eosIds = eos.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Loads the tokenizer files of a model directory (see {@link TokenizerDirectory}).
   *
   * @throws IllegalArgumentException naming the file or component when the directory, a file or a
   *     pipeline component is missing, malformed or unsupported
   */
  public static Tokenizer load(Path dir) {
    return new Tokenizer(TokenizerDirectory.read(dir));
  }

  /** The ids of {@code text}; special tokens written in it become their ids; no BOS/EOS added. */
  public int[] encode(String text) {
    return encode(text, false);
  }

  /**
   * The ids of untrusted {@code text} (documents, user questions): a special token written in it, such as
   * {@code <|im_end|>}, stays text and is tokenized as text — HF's {@code split_special_tokens=True} — so
   * content can never inject control tokens into a prompt. Non-special added tokens still match. No BOS/EOS.
   */
  public int[] encodeText(String text) {
    return encode(text, true);
  }

  private int[] encode(String text, boolean specialsAsText) {
    text = Unicode.withoutLoneSurrogates(text);
    IdList ids = new IdList(Math.max(16, text.length() / 3));
    List<Piece> words = new ArrayList<>();
    for (Segment raw : added.splitRaw(text, specialsAsText)) {
      if (raw.isToken()) {
        ids.add(raw.tokenId());
        continue;
      }
      String normalized = normalizer.normalize(text.substring(raw.start(), raw.end()));
      for (Segment segment : added.splitNormalized(normalized, specialsAsText)) {
        if (segment.isToken()) {
          ids.add(segment.tokenId());
          continue;
        }
        if (segment.end() == segment.start()) {
          continue;
        }
        Piece piece =
            new Piece(
                normalized.substring(segment.start(), segment.end()),
                raw.start() == 0 && segment.start() == 0);
        words.clear();
        preTokenizer.split(piece, words);
        for (Piece word : words) {
          ids.addAll(model.tokenize(word.text()));
        }
      }
    }
    return ids.toArray();
  }

  /**
   * {@link #encode} with the BOS id in front when {@link TokenizerConfig#addBosToken()} says so.
   */
  public int[] encodeWithBos(String text) {
    int[] ids = encode(text);
    if (!config.addBosToken() || bosId.isEmpty()) {
      return ids;
    }
    int[] withBos = new int[ids.length + 1];
    withBos[0] = bosId.getAsInt();
    System.arraycopy(ids, 0, withBos, 1, ids.length);
    return withBos;
  }

  /** The text of {@code ids}, special tokens included. */
  public String decode(int[] ids) {
    return decode(ids, false);
  }

  /**
   * The text of {@code ids}. As in HF, ids without a token (e.g. a model's padding rows beyond the
   * tokenizer's vocabulary) contribute nothing.
   */
  public String decode(int[] ids, boolean skipSpecialTokens) {
    List<String> tokens = new ArrayList<>(ids.length);
    for (int id : ids) {
      String token = added.content(id);
      if (token == null) {
        token = model.token(id);
      }
      if (token == null || (skipSpecialTokens && added.isSpecial(token))) {
        continue;
      }
      tokens.add(token);
    }
    return decoder == null ? String.join(" ", tokens) : decoder.decode(tokens);
  }

  /** A decoder for a growing id sequence that hands out only newly completed text. */
  public StreamingDecoder streamingDecoder(boolean skipSpecialTokens) {
    return new StreamingDecoder(this, skipSpecialTokens);
  }

  /** Max id + 1 over the vocabulary and the added tokens. */
  public int vocabSize() {
    return vocabSize;
  }

  public OptionalInt bosId() {
    return bosId;
  }

  /**
   * Every id that ends generation: tokenizer_config's eos_token, then generation_config's and
   * config.json's eos_token_id (an int or a list), without duplicates.
   */
  public int[] eosIds() {
    return eosIds.clone();
  }

  /** Exact lookup of an added token or vocabulary token (in its vocabulary spelling). */
  public OptionalInt tokenId(String tokenText) {
    int id = added.id(tokenText);
    if (id < 0) {
      id = model.id(tokenText);
    }
    return id < 0 ? OptionalInt.empty() : OptionalInt.of(id);
  }

  /** The token string of {@code id} as the vocabulary spells it (e.g. "ĠHello", "▁Hello"). */
  public String tokenText(int id) {
    String token = added.content(id);
    if (token == null) {
      token = model.token(id);
    }
    if (token == null) {
      throw new IllegalArgumentException(
          "token id " + id + " is not in the vocabulary (size " + vocabSize + ")");
    }
    return token;
  }

  public TokenizerConfig config() {
    return config;
  }

  private int requireId(String token, String source) {
    return tokenId(token)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    source + " '" + token + "' is not a token of this tokenizer"));
  }

  private static OptionalInt firstId(JsonNode generationConfig, JsonNode modelConfig, String key) {
    for (JsonNode config : new JsonNode[] {generationConfig, modelConfig}) {
      if (config != null && config.path(key).isIntegralNumber()) {
        return OptionalInt.of(config.get(key).asInt());
      }
    }
    return OptionalInt.empty();
  }

  private static void addIds(JsonNode config, String key, Set<Integer> ids) {
    if (config == null) {
      return;
    }
    JsonNode value = config.path(key);
    if (value.isIntegralNumber()) {
      ids.add(value.asInt());
    } else if (value.isArray()) {
      for (JsonNode id : value) {
        if (id.isIntegralNumber()) {
          ids.add(id.asInt());
        }
      }
    }
  }

  /** A growable int array for the ids of one encode call. */
  private static final class IdList {
    private int[] ids;
    private int size;

    IdList(int capacity) {
      ids = new int[capacity];
    }

    void add(int id) {
      if (size == ids.length) {
        ids = Arrays.copyOf(ids, size * 2);
      }
      ids[size++] = id;
    }

    void addAll(int[] more) {
      if (size + more.length > ids.length) {
        ids = Arrays.copyOf(ids, Math.max(size * 2, size + more.length));
      }
      System.arraycopy(more, 0, ids, size, more.length);
      size += more.length;
    }

    int[] toArray() {
      return Arrays.copyOf(ids, size);
    }
  }
}
