package dev.kvrag.bench.quality;

import dev.kvrag.bench.StoredKv;
import dev.kvrag.bench.kb.Chunk;
import dev.kvrag.bench.kb.Example;
import dev.kvrag.bench.kb.ExampleSource;
import dev.kvrag.bench.kb.QuestionMix;
import dev.kvrag.bench.kb.Split;
import dev.kvrag.common.kv.ChunkEncoding;
import dev.kvrag.common.kv.ChunkKey;
import dev.kvrag.engine.compress.ChunkCompression;
import dev.kvrag.engine.compress.FusionPlan;
import dev.kvrag.engine.fusion.ChunkKvSource;
import dev.kvrag.engine.kv.ChunkEncoder;
import dev.kvrag.engine.kv.ChunkKv;
import dev.kvrag.engine.kv.RopeShift;
import dev.kvrag.engine.model.Transformer;
import dev.kvrag.engine.prompt.EncodedPrompt;
import dev.kvrag.engine.prompt.PromptEncoder;
import dev.kvrag.engine.prompt.PromptLayout;
import dev.kvrag.engine.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * Answers held-out knowledge-base questions with the Java engine under each fusion plan and scores them. The
 * retrieval of every question is its gold chunks plus its distractors (and a few random others), shuffled with
 * the chunks of one document kept in document order — exactly the context the training export uses. Every chunk's
 * KV is encoded once after the prefix, stored in the chunk-KV blob format ({@code storedKv}) and read back for
 * each question and mode, as the platform does; TTFT covers decoding the blobs, fusing, and the first logits.
 * Answers are greedy, up to {@code maxAnswerTokens} or an EOS id.
 */
public final class QualityRun {

  /** One answered question. */
  public record Answer(String questionId, String kind, String gold, String text, double ttftMs,
                       double recomputeFraction) {
  }

  private final Transformer model;
  private final Tokenizer tokenizer;
  private final PromptLayout layout;
  private final PromptEncoder encoder;
  private final ChunkEncoder chunkEncoder;
  private final StoredKv stored;
  private final int maxAnswerTokens;
  private final ChunkCompression compression;
  private final RopeShift shift;
  private final Map<String, Stored> blobs = new HashMap<>(); // the current knowledge base's chunks
  private long blobsKb = -1;
  private byte[] prefixBlob;
  private ChunkKv prefixKv;

  /** A chunk as the store holds it: its blob and the token ids it covers (fewer when compressed). */
  private record Stored(byte[] blob, int[] ids) {
  }

  public QualityRun(Transformer model, Tokenizer tokenizer, PromptLayout layout, StoredKv stored,
                    int maxAnswerTokens) {
    this(model, tokenizer, layout, stored, maxAnswerTokens, null);
  }

  /** @param compression applied to every stored chunk (query-agnostic), null for none */
  public QualityRun(Transformer model, Tokenizer tokenizer, PromptLayout layout, StoredKv stored,
                    int maxAnswerTokens, ChunkCompression compression) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.layout = layout;
    this.encoder = encoder(tokenizer);
    this.chunkEncoder = new ChunkEncoder(model, model.config().architecture().hfName());
    this.stored = stored;
    this.maxAnswerTokens = maxAnswerTokens;
    this.compression = compression;
    this.shift = new RopeShift(model.inverseFrequencies());
  }

  /**
   * The first {@code questions} held-out examples of seed {@code seed} ({@link QuestionMix#DEFAULT}), in the
   * exporter's order.
   */
  public static List<Example> heldOut(long seed, int questions) {
    return heldOut(seed, questions, QuestionMix.DEFAULT);
  }

  /** The same, asking the kinds of {@code mix}. */
  public static List<Example> heldOut(long seed, int questions, QuestionMix mix) {
    List<Example> out = new ArrayList<>(questions);
    ExampleSource.of(seed, Split.HELDOUT, mix).forEach(questions, out::add);
    return out;
  }

  /** Answers every example under every plan; {@code progress} hears about each finished question. */
  public Map<FusionPlan, List<Answer>> answer(List<Example> examples, List<FusionPlan> plans,
                                              Consumer<Integer> progress) {
    Map<FusionPlan, List<Answer>> out = new LinkedHashMap<>();
    plans.forEach(p -> out.put(p, new ArrayList<>()));
    int done = 0;
    for (Example e : examples) {
      List<String> texts = e.context().stream().map(Chunk::text).toList();
      EncodedPrompt prompt = encoder.encode(layout.segments(texts, e.question().text()));
      int[] prefix = prompt.segments().getFirst().ids();
      List<int[]> chunks = new ArrayList<>();
      List<byte[]> chunkBlobs = new ArrayList<>();
      for (int i = 0; i < texts.size(); i++) {
        Stored chunk = blob(prefix, prompt.segments().get(1 + i).ids(), e.kbSeed(), e.context().get(i).id());
        chunks.add(chunk.ids());
        chunkBlobs.add(chunk.blob());
      }
      int[] question = prompt.segments().getLast().ids();
      for (FusionPlan plan : plans) {
        long t0 = System.nanoTime();
        FusionPlan.Fused fused = plan.run(model, prefix, chunks, question,
            ChunkKvSource.decoding(prefixBlob, chunkBlobs));
        float[] logits = fused.prompt().lastLogits();
        double ttft = (System.nanoTime() - t0) / 1e6;
        String text = greedy(fused, logits);
        out.get(plan).add(new Answer(e.question().id(), e.question().kind().key(), e.question().answer(), text, ttft,
            fused.prompt().recompute().recomputedFraction()));
      }
      progress.accept(++done);
    }
    return out;
  }

  /**
   * A chunk's stored KV, encoded once per knowledge base (examples come knowledge base by knowledge base), and
   * compressed when the run compresses stored chunks.
   */
  private Stored blob(int[] prefix, int[] chunk, long kb, String chunkId) {
    if (prefixKv == null || !Arrays.equals(prefixKv.tokenIds(), prefix)) {
      prefixKv = chunkEncoder.prefix(prefix);
      prefixBlob = prefixKv.toBlob(key(prefix, new int[0], null), stored.dtype(), stored.quantization());
      blobs.clear();
    }
    if (kb != blobsKb) {
      blobs.clear();
      blobsKb = kb;
    }
    return blobs.computeIfAbsent(chunkId, id -> {
      ChunkKv kv = chunkEncoder.chunk(prefixKv, chunk);
      if (compression != null) {
        kv = compression.compress(kv, shift);
      }
      return new Stored(kv.toBlob(key(prefix, chunk, compression), stored.dtype(), stored.quantization()),
          kv.tokenIds());
    });
  }

  /** The chunk key of {@code chunk}'s KV; a compressed chunk's encoding names its compression. */
  private String key(int[] prefix, int[] chunk, ChunkCompression compression) {
    ChunkEncoding encoding = ChunkEncoding.afterPrefix(prefix);
    if (compression != null) {
      encoding = new ChunkEncoding(compression.scheme(encoding.scheme()), encoding.prefixHash());
    }
    return ChunkKey.of(model.config().architecture().hfName(), "bench-quality", encoding, chunk).hex();
  }

  private String greedy(FusionPlan.Fused fused, float[] logits) {
    return tokenizer.decode(fused.greedy(logits, tokenizer.eosIds(), maxAnswerTokens), true);
  }

  /** The prompt layout of {@code tok}'s model: its chat template's when that is kvrag's layout, else the default. */
  static PromptLayout layout(Tokenizer tok) {
    return PromptLayout.fromChatTemplate(tok.config().chatTemplate()).orElse(PromptLayout.DEFAULT);
  }

  /** The encoder of prompts as bench-quality and the training export lay them out (BOS, and the first EOS). */
  static PromptEncoder encoder(Tokenizer tok) {
    return new PromptEncoder(tok::encodeText, tok.bosId(), firstEos(tok));
  }

  private static OptionalInt firstEos(Tokenizer tok) {
    int[] eos = tok.eosIds();
    return eos.length == 0 ? OptionalInt.empty() : OptionalInt.of(eos[0]);
  }
}
