package dev.kvrag.engine.cli;

import dev.kvrag.common.kv.ChunkEncoding;
import dev.kvrag.common.kv.ChunkKey;
import dev.kvrag.common.kv.KvDtype;
import dev.kvrag.common.kv.KvQuantization;
import dev.kvrag.engine.compress.FusionPlan;
import dev.kvrag.engine.compress.SnapKv;
import dev.kvrag.engine.compute.Backend;
import dev.kvrag.engine.fusion.ChunkKvSource;
import dev.kvrag.engine.fusion.FusedSession;
import dev.kvrag.engine.fusion.FusionModes;
import dev.kvrag.engine.fusion.FusionStrategy;
import dev.kvrag.engine.kv.ChunkEncoder;
import dev.kvrag.engine.kv.ChunkKv;
import dev.kvrag.engine.model.ModelConfig;
import dev.kvrag.engine.model.Transformer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code fuse --model DIR --cases FILE.jsonl --out DIR}: runs fusion cases (issue 9) in one JVM and writes each
 * case's logits, so that other tools can check the modes against a reference. Every case is parsed and checked
 * before any runs; a bad case stops the command with one line naming its line number (0-based) and the problem.
 *
 * <p>Stored KV takes the real path: the prefix's KV and each chunk's KV (encoded after the prefix) are written
 * as chunk-KV blobs, read back, and re-positioned by the mode.
 */
final class FuseCommand {

  static final String USAGE = """
      usage: ./kvrag fuse --model DIR --cases FILE.jsonl --out DIR [--kv-encoding f32|f16|bf16|int8] [--threads N]
                         [--backend auto|cpu|cuda]
        for the case on line n (0-based) writes DIR/n.npy: float32 logits [len(question) + len(continuation),
        vocab], a row per question token, then a row per continuation token fed as a decode step
        a case: {"prefix":[ids], "chunks":[[ids],...], "question":[ids], "continuation":[ids],
                 "mode":{"name":"full"|"prefix"|"naive"|"cacheblend"|"ape", ...parameters},
                 "snapkv":{"window":w, "kernel":k, "capacity":C}}        (snapkv optional)
        parameters: cacheblend ratio (0.15), check_layer (1), gradual (= ratio: off);
                    ape temperature (0.9), scale (0.9);
                    snapkv window (32), kernel (5, odd), capacity (required), pooling (avg|max, avg)
        stored KV is written in the chunk-KV format (--kv-encoding, default f32) and read back before use""";

  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final Set<String> FIELDS = Set.of("prefix", "chunks", "question", "continuation", "mode", "snapkv");

  /**
   * One case of the file: the token ids and what to do with them (a mode, SnapKV or not).
   *
   * @param ignored top-level fields the case format does not define (reported, not used)
   */
  record Case(int line, int[] prefix, List<int[]> chunks, int[] question, int[] continuation, FusionPlan plan,
              List<String> ignored) {

    int rows() {
      return question.length + continuation.length;
    }
  }

  /** How stored KV is written: element type and quantization. */
  record KvEncoding(KvDtype dtype, KvQuantization quantization) {

    static final KvEncoding F32 = new KvEncoding(KvDtype.F32, KvQuantization.NONE);

    static KvEncoding parse(String name) {
      return switch (name.strip().toLowerCase(Locale.ROOT)) {
        case "f32" -> F32;
        case "f16" -> new KvEncoding(KvDtype.F16, KvQuantization.NONE);
        case "bf16" -> new KvEncoding(KvDtype.BF16, KvQuantization.NONE);
        case "int8" -> new KvEncoding(KvDtype.F32, KvQuantization.INT8_CHANNEL);
        default -> throw new UsageException("--kv-encoding must be f32, f16, bf16 or int8, got '" + name + "'");
      };
    }
  }

  private FuseCommand() {
  }

  static void run(String[] args, Terminal term) throws IOException {
    Options o = Options.parse("fuse", args, 1, Set.of("--model", "--cases", "--out", "--kv-encoding", "--threads",
        "--backend"),
        Set.of());
    Path dir = o.directory("--model");
    Path casesFile = Path.of(o.string("--cases"));
    Path out = Path.of(o.string("--out"));
    KvEncoding encoding = KvEncoding.parse(o.string("--kv-encoding", "f32"));
    int threads = o.positiveInt("--threads", Runtime.getRuntime().availableProcessors());
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new UsageException("--out " + out + " exists and is not a directory");
    }
    try (Backend backend = o.backend(threads); Transformer model = Transformer.load(dir, backend)) {
      List<Case> cases = readCases(casesFile, model.config());
      warnIgnored(cases, term);
      Files.createDirectories(out);
      String modelId = modelId(dir);
      for (Case c : cases) {
        float[] logits = logits(model, modelId, c, encoding);
        try (NpyWriter npy = new NpyWriter(out.resolve(c.line() + ".npy"), c.rows(), model.config().vocabSize())) {
          npy.write(logits, logits.length);
        }
      }
      term.out().println("fuse: " + cases.size() + " cases -> " + out);
    }
  }

  /** One line per ignored field name, with the cases that carry it. */
  private static void warnIgnored(List<Case> cases, Terminal term) {
    Map<String, List<Integer>> lines = new TreeMap<>();
    for (Case c : cases) {
      for (String f : c.ignored()) {
        lines.computeIfAbsent(f, k -> new ArrayList<>()).add(c.line());
      }
    }
    lines.forEach((f, at) -> term.err().println("kvrag fuse: warning: ignoring unknown field '" + f + "' (fields: "
        + "chunks, continuation, mode, prefix, question, snapkv) in " + (at.size() == 1 ? "case " + at.getFirst()
        : at.size() + " cases from case " + at.getFirst())));
  }

  static String modelId(Path dir) {
    Path name = dir.toAbsolutePath().normalize().getFileName();
    return name == null ? "model" : name.toString();
  }

  /** Every case of the file, parsed and checked against the model. */
  static List<Case> readCases(Path file, ModelConfig config) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (NoSuchFileException e) {
      throw new UsageException("cases file " + file + " does not exist");
    }
    int end = lines.size();
    while (end > 0 && lines.get(end - 1).isBlank()) {
      end--; // blank lines at the end of the file are no cases; in the middle they are errors (numbering)
    }
    List<Case> cases = new ArrayList<>(end);
    for (int n = 0; n < end; n++) {
      cases.add(parseCase(n, lines.get(n), config));
    }
    if (cases.isEmpty()) {
      throw new UsageException("cases file " + file + " holds no cases");
    }
    return cases;
  }

  /** Case {@code line} from its JSON text; any problem is a {@link UsageException} starting "case LINE: ". */
  static Case parseCase(int line, String text, ModelConfig config) {
    try {
      if (text.isBlank()) {
        throw new IllegalArgumentException("empty line (one JSON case per line)");
      }
      JsonNode node = JSON.readTree(text);
      return parseCase(line, node, config);
    } catch (JacksonException e) {
      throw new UsageException("case " + line + ": not valid JSON (" + e.getOriginalMessage() + ")");
    } catch (IllegalArgumentException e) {
      throw new UsageException("case " + line + ": " + e.getMessage());
    }
  }

  private static Case parseCase(int line, JsonNode node, ModelConfig config) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("a case is a JSON object");
    }
    // Unknown top-level fields (a generator's labels, say) are reported but do not stop the run; inside "mode"
    // and "snapkv" every field changes the numbers, so an unknown one there is an error.
    List<String> ignored = new ArrayList<>();
    for (String name : node.propertyNames()) {
      if (!FIELDS.contains(name)) {
        ignored.add(name);
      }
    }
    int vocab = config.vocabSize();
    int[] prefix = ids(node.get("prefix"), "prefix", vocab);
    int[] question = ids(node.get("question"), "question", vocab);
    int[] continuation = ids(node.get("continuation"), "continuation", vocab);
    List<int[]> chunks = new ArrayList<>();
    JsonNode cs = node.get("chunks");
    if (cs != null && !cs.isNull()) {
      if (!cs.isArray()) {
        throw new IllegalArgumentException("chunks must be an array of token-id arrays");
      }
      for (int i = 0; i < cs.size(); i++) {
        int[] chunk = ids(cs.get(i), "chunk " + i, vocab);
        if (chunk.length == 0) {
          throw new IllegalArgumentException("chunk " + i + " is empty");
        }
        chunks.add(chunk);
      }
    }
    if (question.length == 0) {
      throw new IllegalArgumentException("empty question (a case needs at least one question token)");
    }
    FusionStrategy mode = mode(node.get("mode"));
    mode.check(config, chunks.size());
    SnapKv snapkv = snapkv(node.get("snapkv"));
    return new Case(line, prefix, chunks, question, continuation, new FusionPlan(mode, snapkv), ignored);
  }

  private static int[] ids(JsonNode node, String what, int vocab) {
    if (node == null || node.isNull()) {
      return new int[0];
    }
    if (!node.isArray()) {
      throw new IllegalArgumentException(what + " must be an array of token ids");
    }
    int[] ids = new int[node.size()];
    for (int i = 0; i < ids.length; i++) {
      JsonNode v = node.get(i);
      if (!v.isIntegralNumber() || !v.canConvertToInt()) {
        throw new IllegalArgumentException(what + "[" + i + "] is " + v + ", not a token id");
      }
      ids[i] = v.intValue();
      if (ids[i] < 0 || ids[i] >= vocab) {
        throw new IllegalArgumentException("token id " + ids[i] + " in " + what + " is outside the vocabulary [0, "
            + vocab + ")");
      }
    }
    return ids;
  }

  private static FusionStrategy mode(JsonNode node) {
    if (node == null || !node.isObject() || !node.path("name").isString()) {
      throw new IllegalArgumentException("mode must be an object with a name, e.g. {\"name\":\"cacheblend\","
          + "\"ratio\":0.15}");
    }
    String name = node.get("name").asString();
    List<String> keys = new ArrayList<>();
    for (String key : node.propertyNames()) {
      if (!key.equals("name")) {
        keys.add(key);
      }
    }
    FusionModes.requireKnown(name, keys);
    Map<String, Double> params = new LinkedHashMap<>();
    for (String key : keys) {
      JsonNode v = node.get(key);
      if (!v.isNumber()) {
        throw new IllegalArgumentException(name + " " + key + " must be a number, got " + v);
      }
      params.put(key, v.asDouble());
    }
    return FusionModes.create(name, params);
  }

  private static SnapKv snapkv(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException("snapkv must be an object {\"window\":w, \"kernel\":k, \"capacity\":C}");
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (String key : node.propertyNames()) {
      JsonNode v = node.get(key);
      params.put(key, v.isString() ? v.asString() : v.toString());
    }
    return SnapKv.of(params);
  }

  /** The case's logits {@code [rows][vocab]}: the question's rows, then one decode step per continuation token. */
  static float[] logits(Transformer model, String modelId, Case c, KvEncoding encoding) {
    try {
      int vocab = model.config().vocabSize();
      FusionPlan.Fused fused = c.plan().run(model, c.prefix(), c.chunks(), c.question(),
          stored(model, modelId, c, encoding));
      float[] out = new float[c.rows() * vocab];
      System.arraycopy(fused.prompt().questionLogits(), 0, out, 0, c.question().length * vocab);
      FusedSession session = fused.session();
      for (int t = 0; t < c.continuation().length; t++) {
        float[] row = session.feed(new int[] {c.continuation()[t]});
        System.arraycopy(row, 0, out, (c.question().length + t) * vocab, vocab);
      }
      return out;
    } catch (IllegalArgumentException e) {
      throw new UsageException("case " + c.line() + ": " + e.getMessage());
    }
  }

  /**
   * The case's stored KV, made on first use the way a worker makes it: the prefix prefilled, each chunk encoded
   * after it, each written as a chunk-KV blob under its chunk key and read back.
   */
  private static ChunkKvSource stored(Transformer model, String modelId, Case c, KvEncoding encoding) {
    ChunkEncoder encoder = new ChunkEncoder(model, modelId);
    ChunkEncoding after = ChunkEncoding.afterPrefix(c.prefix());
    return new ChunkKvSource() {
      private ChunkKv prefix;

      private ChunkKv prefixKv() {
        if (prefix == null) {
          prefix = encoder.prefix(c.prefix());
        }
        return prefix;
      }

      @Override
      public ChunkKv prefix() {
        // the prefix is itself a chunk, encoded after an empty prefix
        return roundTrip(prefixKv(), ChunkKey.of(modelId, "token-ids", ChunkEncoding.afterPrefix(new int[0]),
            c.prefix()));
      }

      @Override
      public ChunkKv chunk(int index) {
        int[] tokens = c.chunks().get(index);
        return roundTrip(encoder.chunk(prefixKv(), tokens), ChunkKey.of(modelId, "token-ids", after, tokens));
      }

      private ChunkKv roundTrip(ChunkKv kv, ChunkKey key) {
        return ChunkKv.fromBlob(kv.toBlob(key.hex(), encoding.dtype(), encoding.quantization()));
      }
    };
  }
}
